using System.Numerics;
using Trawl.Store.Queries;

namespace Trawl.Store.Columns;

/// <summary>
/// Facet counts over a row set from dictionary codes: count per code, merge codes SQLite groups together (equal
/// rank), then the most common first, ties in SQLite's value order: what
/// <c>GROUP BY col ORDER BY count(*) DESC, col</c> returns.
/// </summary>
internal static class ColumnarFacet
{
    /// <summary>Null when the column has no dictionary (the caller asks SQLite).</summary>
    public static (List<FacetValue> Values, bool Truncated)? Count(ColumnData data, RowSet rows, int limit)
    {
        if (CodeCounts(data, rows) is not { } counts)
            return null;
        var dict = data.Dictionary!;
        var ranks = dict.Ranks;
        // Codes of equal value (rank) count as one group, reported with the first code's value.
        var byRank = new Dictionary<uint, (int Code, long Count)>();
        for (int c = 0; c < counts.Length; c++)
        {
            if (counts[c] == 0)
                continue;
            uint r = ranks[c];
            byRank[r] = byRank.TryGetValue(r, out var g) ? (g.Code, g.Count + counts[c]) : (c, counts[c]);
        }
        var groups = byRank.Select(kv => (Rank: kv.Key, kv.Value.Code, kv.Value.Count)).ToList();
        groups.Sort((a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.Rank.CompareTo(b.Rank));
        bool truncated = groups.Count > limit;
        var values = groups.Take(limit).Select(g => new FacetValue(dict.Value(g.Code), g.Count)).ToList();
        return (values, truncated);
    }

    /// <summary>How many of the rows hold each dictionary code; null without a dictionary.</summary>
    public static long[]? CodeCounts(ColumnData data, RowSet rows)
    {
        if (!data.HasDictionary)
            return null;
        var counts = new long[data.Dictionary!.Count];
        var codes = data.Codes;
        var words = rows.Words;
        for (int w = 0; w < words.Length; w++)
        {
            ulong bits = words[w];
            int baseRow = w << 6;
            if (bits == ulong.MaxValue)
            {
                for (int i = 0; i < 64; i++)
                    counts[codes[baseRow + i]]++;
                continue;
            }
            while (bits != 0)
            {
                counts[codes[baseRow + BitOperations.TrailingZeroCount(bits)]]++;
                bits &= bits - 1;
            }
        }
        return counts;
    }

    /// <summary>List-element or date counts (<see cref="ListFacet"/>'s rules) from the code counts, each distinct cell
    /// read once per column file (<see cref="CodeGroups"/>); null without a dictionary, or for dates when a cell's date is
    /// SQLite's to decide (<see cref="IsoDate"/>).</summary>
    public static (List<FacetValue> Values, bool Truncated)? CountBy(ColumnData data, RowSet rows, FacetKind kind, int limit)
    {
        if (kind == FacetKind.Value)
            return Count(data, rows, limit);
        if (data.Groups(kind) is not { } groups || CodeCounts(data, rows) is not { } counts)
            return null;
        return groups.Top(counts, limit);
    }
}
