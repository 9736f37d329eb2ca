using System.Text;
using Trawl.Store.Queries;

namespace Trawl.Store.Columns;

/// <summary>
/// Each dictionary code's list elements (<see cref="FacetKind.Array"/>) or date (<see cref="FacetKind.Date"/>) as ids
/// into one name table, read once per column file and then reused, so an array or date facet is a count per code
/// plus a sum per group: no cell is parsed again per query. Rows count once per distinct element of their list.
/// </summary>
internal sealed class CodeGroups
{
    private readonly int[] _start;
    private readonly int[] _ids;

    private CodeGroups(string[] names, int[] start, int[] ids)
    {
        Names = names;
        _start = start;
        _ids = ids;
    }

    /// <summary>The elements (or dates), by id.</summary>
    public string[] Names { get; }

    /// <summary>The groups of the column's codes, or null when a date is SQLite's to decide (<see cref="IsoDate"/>).</summary>
    public static CodeGroups? Build(ColumnDictionary dict, FacetKind kind)
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>();
        var start = new int[dict.Count + 1];
        var ids = new List<int>(dict.Count);
        var seen = new HashSet<int>();
        for (int c = 0; c < dict.Count; c++)
        {
            start[c] = ids.Count;
            var k = dict.Kind(c);
            if (k == StoredValueKind.Null)
                continue;
            if (kind == FacetKind.Array)
            {
                if (k != StoredValueKind.Text || ArrayText.Elements(Encoding.UTF8.GetString(dict.Payload(c))) is not { } items)
                    continue;
                seen.Clear();
                foreach (string item in items)
                {
                    int id = Id(item);
                    if (seen.Add(id))
                        ids.Add(id);
                }
            }
            else
            {
                if (k != StoredValueKind.Text || !IsoDate.TryDate(Encoding.UTF8.GetString(dict.Payload(c)), out string date))
                    return null;
                ids.Add(Id(date));
            }
        }
        start[dict.Count] = ids.Count;
        return new CodeGroups(names.ToArray(), start, ids.ToArray());

        int Id(string name)
        {
            if (!byName.TryGetValue(name, out int id))
            {
                id = names.Count;
                byName[name] = id;
                names.Add(name);
            }
            return id;
        }
    }

    /// <summary>Rows per group from rows per code: most first, ties by name (ordinal), at most <paramref name="limit"/>.</summary>
    public (List<FacetValue> Values, bool Truncated) Top(long[] codeCounts, int limit)
    {
        var sums = new long[Names.Length];
        for (int c = 0; c < codeCounts.Length; c++)
        {
            long n = codeCounts[c];
            if (n == 0)
                continue;
            for (int i = _start[c]; i < _start[c + 1]; i++)
                sums[_ids[i]] += n;
        }
        var present = Enumerable.Range(0, sums.Length).Where(i => sums[i] > 0).ToArray();
        Array.Sort(present, (a, b) => sums[a] != sums[b] ? sums[b].CompareTo(sums[a]) : string.CompareOrdinal(Names[a], Names[b]));
        bool truncated = present.Length > limit;
        return (present.Take(limit).Select(i => new FacetValue(Names[i], sums[i])).ToList(), truncated);
    }
}
