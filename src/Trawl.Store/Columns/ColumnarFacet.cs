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
    /// <summary>Null when the column has no dictionary, or <paramref name="summed"/> no Int64 array (the caller asks SQLite).</summary>
    /// <param name="summed">A column whose values are added up per facet value (NULLs count 0), or null.</param>
    public static (List<FacetValue> Values, bool Truncated)? Count(ColumnData data, RowBitmap rows, int limit, ColumnData? summed = null)
    {
        if (summed is not null && !summed.HasInt64)
            return null;
        if (CodeCounts(data, rows) is not { } counts)
            return null;
        var dict = data.Dictionary!;
        long[]? sums = summed is null ? null : SumByCode(data.Codes, rows, summed.Int64Values, dict.Count);
        var ranks = dict.Ranks;
        // Codes of equal value (rank) count as one group, reported with the first code's value.
        var byRank = new Dictionary<uint, (int Code, long Count, long Sum)>();
        for (int c = 0; c < counts.Length; c++)
        {
            if (counts[c] == 0)
                continue;
            uint r = ranks[c];
            long s = sums?[c] ?? 0;
            byRank[r] = byRank.TryGetValue(r, out var g) ? (g.Code, g.Count + counts[c], checked(g.Sum + s)) : (c, counts[c], s);
        }
        var groups = byRank.Select(kv => (Rank: kv.Key, kv.Value.Code, kv.Value.Count, kv.Value.Sum)).ToList();
        groups.Sort((a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.Rank.CompareTo(b.Rank));
        bool truncated = groups.Count > limit;
        var values = groups.Take(limit).Select(g => new FacetValue(dict.Value(g.Code), g.Count) { Sum = sums is null ? null : g.Sum }).ToList();
        return (values, truncated);
    }

    /// <summary>How many of the rows hold each dictionary code; null without a dictionary.</summary>
    public static long[]? CodeCounts(ColumnData data, RowBitmap rows)
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
    public static (List<FacetValue> Values, bool Truncated)? CountBy(ColumnData data, RowBitmap rows, FacetKind kind, int limit)
    {
        if (kind == FacetKind.Value)
            return Count(data, rows, limit);
        if (data.Groups(kind) is not { } groups || CodeCounts(data, rows) is not { } counts)
            return null;
        return groups.Top(counts, limit);
    }

    private static long[] SumByCode(ReadOnlySpan<uint> codes, RowBitmap rows, ReadOnlySpan<long> values, int codeCount)
    {
        var sums = new long[codeCount];
        var words = rows.Words;
        for (int w = 0; w < words.Length; w++)
        {
            for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
            {
                int row = (w << 6) + BitOperations.TrailingZeroCount(bits);
                long v = values[row];
                if (v != ColumnSentinels.NullInt64)
                    sums[codes[row]] = checked(sums[codes[row]] + v);
            }
        }
        return sums;
    }

    /// <summary>The sum of an Int64 array over a row set, NULLs skipped; null when the column has no Int64 array.</summary>
    public static long? Sum(ColumnData data, RowBitmap rows)
    {
        if (!data.HasInt64)
            return null;
        var values = data.Int64Values;
        var words = rows.Words;
        long sum = 0;
        for (int w = 0; w < words.Length; w++)
        {
            ulong bits = words[w];
            int baseRow = w << 6;
            if (bits == ulong.MaxValue)
            {
                foreach (long v in values.Slice(baseRow, 64))
                {
                    if (v != ColumnSentinels.NullInt64)
                        sum = checked(sum + v);
                }
                continue;
            }
            for (; bits != 0; bits &= bits - 1)
            {
                long v = values[baseRow + BitOperations.TrailingZeroCount(bits)];
                if (v != ColumnSentinels.NullInt64)
                    sum = checked(sum + v);
            }
        }
        return sum;
    }
}
