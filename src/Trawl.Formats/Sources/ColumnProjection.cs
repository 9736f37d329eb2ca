using Trawl.Formats.Tables;

namespace Trawl.Formats.Sources;

/// <summary>Resolves <see cref="TableReaderOptions.Columns"/> against a source's columns.</summary>
internal static class ColumnProjection
{
    /// <summary>
    /// For each wanted name, its index among <paramref name="available"/> (names match
    /// case-insensitively). Null <paramref name="wanted"/> keeps every column in order. An unknown
    /// name is a <see cref="DataFormatException"/> listing the columns there are.
    /// </summary>
    public static int[] Resolve(string path, IReadOnlyList<string> available, IReadOnlyList<string>? wanted)
    {
        if (wanted is null)
            return Enumerable.Range(0, available.Count).ToArray();
        var byName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < available.Count; i++)
            byName.TryAdd(available[i], i);
        var picked = new int[wanted.Count];
        var seen = new HashSet<int>();
        for (int i = 0; i < wanted.Count; i++)
        {
            if (!byName.TryGetValue(wanted[i], out int index))
                throw new DataFormatException(path, $"no column '{wanted[i]}'; the columns are: {string.Join(", ", available)}", column: wanted[i]);
            if (!seen.Add(index))
                throw new DataFormatException(path, $"column '{wanted[i]}' is asked for twice", column: wanted[i]);
            picked[i] = index;
        }
        return picked;
    }

    /// <summary>The inverse map: for each source column, its position in the output, or -1 when it is not read.</summary>
    public static int[] OutputPositions(int sourceCount, int[] picked)
    {
        var positions = new int[sourceCount];
        Array.Fill(positions, -1);
        for (int i = 0; i < picked.Length; i++)
            positions[picked[i]] = i;
        return positions;
    }
}
