using Trawl.Vectors.Search;

namespace Trawl.Vectors.Indexes;

/// <summary>Conveniences over <see cref="IVectorIndex"/>.</summary>
public static class VectorIndexExtensions
{
    /// <summary>Builds the whole index over its vector set: trains, then adds every row.</summary>
    public static void Build(this IVectorIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (!index.IsTrained) index.Train();
        index.Add(index.Data.Rows - index.Count);
    }

    /// <summary>One query's results, best first, without padding.</summary>
    public static SearchResult Search(this IVectorIndex index, ReadOnlySpan<float> query, int k, IndexSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        var ids = new long[k];
        var scores = new float[k];
        index.Search(query, k, ids, scores, options);
        int n = Array.IndexOf(ids, -1L);
        if (n < 0) n = k;
        return new SearchResult(ids[..n], scores[..n]);
    }

    /// <summary>Many queries' results, best first, without padding.</summary>
    public static SearchResult[] SearchBatch(this IVectorIndex index, ReadOnlySpan<float> queries, int k, IndexSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        int count = queries.Length / index.Dimension;
        var ids = new long[count * k];
        var scores = new float[count * k];
        index.Search(queries, k, ids, scores, options);
        var results = new SearchResult[count];
        for (int q = 0; q < count; q++)
        {
            int n = Array.IndexOf(ids, -1L, q * k, k);
            n = n < 0 ? k : n - q * k;
            results[q] = new SearchResult(ids.AsSpan(q * k, n).ToArray(), scores.AsSpan(q * k, n).ToArray());
        }
        return results;
    }
}
