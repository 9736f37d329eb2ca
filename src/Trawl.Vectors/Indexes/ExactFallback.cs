using System.Numerics;
using Trawl.Vectors.Search;

namespace Trawl.Vectors.Indexes;

/// <summary>
/// Exact search over the indexed rows, for filters that allow too few rows for an index walk and
/// for any walk that found fewer results than exist, so an answer never silently shrinks below k.
/// </summary>
internal sealed class ExactFallback(VectorMatrix data, VectorMetric metric)
{
    private ExactSearch? _search;

    public ExactSearch Search => _search ??= ExactSearch.Create(data, metric);

    /// <summary>Allowed rows among the first <paramref name="count"/>.</summary>
    public static long CountAllowed(RowFilter filter, long count)
    {
        ulong[] bits = filter.Bits;
        long words = count >> 6, total = 0;
        for (long i = 0; i < words; i++) total += BitOperations.PopCount(bits[i]);
        if ((count & 63) != 0) total += BitOperations.PopCount(bits[words] & ((1UL << (int)(count & 63)) - 1));
        return total;
    }

    /// <summary>The filter limited to the first <paramref name="count"/> rows (an index may cover fewer rows than its set).</summary>
    public RowFilter? Restrict(RowFilter? filter, long count)
    {
        if (count == data.Rows) return filter;
        var bits = new ulong[(data.Rows + 63) / 64];
        for (long i = 0; i < count >> 6; i++) bits[i] = filter?.Bits[i] ?? ulong.MaxValue;
        if ((count & 63) != 0) bits[count >> 6] = (filter?.Bits[count >> 6] ?? ulong.MaxValue) & ((1UL << (int)(count & 63)) - 1);
        return RowFilter.FromBitmap(bits, data.Rows);
    }

    /// <summary>Exact top k of one (raw, unnormalised) query among allowed indexed rows, padded with -1 / NaN.</summary>
    public void SearchOne(ReadOnlySpan<float> query, int k, RowFilter? restricted, Span<long> ids, Span<float> scores)
    {
        SearchResult result = Search.Search(query, k, restricted is null ? null : new SearchOptions { Filter = restricted });
        Write(result, k, ids, scores);
    }

    public static void Write(SearchResult result, int k, Span<long> ids, Span<float> scores)
    {
        int n = Math.Min(k, result.Count);
        result.Ids.AsSpan(0, n).CopyTo(ids);
        result.Scores.AsSpan(0, n).CopyTo(scores);
        ids[n..k].Fill(-1);
        scores[n..k].Fill(float.NaN);
    }
}
