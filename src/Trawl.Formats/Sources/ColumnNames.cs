namespace Trawl.Formats.Sources;

/// <summary>Turns the names a source gives its columns into unique, non-empty ones.</summary>
internal static class ColumnNames
{
    /// <summary>
    /// An empty name becomes <c>column_N</c> (N is the 1-based position); a repeated name gets a
    /// suffix: <c>col</c>, <c>col_2</c>, <c>col_3</c>. Names are compared case-insensitively, as
    /// <see cref="Trawl.Formats.Tables.TableSchema"/> and SQLite do.
    /// </summary>
    public static string[] MakeUnique(IReadOnlyList<string> names)
    {
        var result = new string[names.Count];
        var taken = new HashSet<string>(names.Count, StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < names.Count; i++)
        {
            string name = string.IsNullOrWhiteSpace(names[i]) ? $"column_{i + 1}" : names[i];
            if (!taken.Add(name))
            {
                int n = 2;
                while (!taken.Add($"{name}_{n}"))
                    n++;
                name = $"{name}_{n}";
            }
            result[i] = name;
        }
        return result;
    }
}
