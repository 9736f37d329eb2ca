using Trawl.Vectors.Search;

namespace Trawl.Vectors.GroundTruth;

/// <summary>
/// Exact k nearest neighbours of a set of queries by inner product, as the SISAP challenge publishes them:
/// ids 0-based here (the file boundary adds 1), distances 1 − dot, ascending; equal distances rank by smaller id.
/// </summary>
public static class GoldStandard
{
    /// <summary>Queries per blocked scan (each scan reads the whole base once).</summary>
    public const int QueriesPerScan = 2048;

    /// <summary>Bytes of <paramref name="data"/> that <see cref="Compute"/> reads for this many queries: the whole set once per scan.</summary>
    public static long StreamedBytes(VectorMatrix data, int queries)
    {
        ArgumentNullException.ThrowIfNull(data);
        long scans = (Math.Max(0, queries) + QueriesPerScan - 1) / QueriesPerScan;
        return scans * data.Rows * data.RowBytes;
    }

    /// <param name="float64">Re-rank the top 2k float32 candidates of each query with float64 sums.</param>
    /// <param name="progress">Called with the number of queries done.</param>
    public static (long[] Ids, float[] Distances) Compute(VectorMatrix data, ReadOnlySpan<float> queries, int k, bool float64 = false, int? threads = null, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        int d = data.Dimension;
        if (queries.Length % d != 0) throw new ArgumentException($"{queries.Length} values is not a whole number of {d}-dimensional queries", nameof(queries));
        int nq = queries.Length / d;
        var ids = new long[(long)nq * k];
        var dists = new float[(long)nq * k];
        Array.Fill(ids, -1);
        Array.Fill(dists, float.NaN);
        var search = ExactSearch.Create(data, VectorMetric.InnerProduct, new ExactSearchOptions { Threads = threads });
        int want = float64 ? (int)Math.Min(data.Rows, 2L * k) : k;
        var row = new float[d];
        for (int q0 = 0; q0 < nq; q0 += QueriesPerScan)
        {
            int count = Math.Min(QueriesPerScan, nq - q0);
            SearchResult[] results = search.SearchBatch(queries.Slice(q0 * d, count * d), Math.Max(1, want));
            for (int i = 0; i < count; i++)
            {
                var r = results[i];
                long at = (long)(q0 + i) * k;
                if (!float64)
                {
                    for (int j = 0; j < Math.Min(k, r.Count); j++)
                    {
                        ids[at + j] = r.Ids[j];
                        dists[at + j] = 1f - r.Scores[j];
                    }
                    continue;
                }
                var query = queries.Slice((q0 + i) * d, d);
                var rescored = new (double Distance, long Id)[r.Count];
                for (int j = 0; j < r.Count; j++)
                {
                    data.CopyRowTo(r.Ids[j], row);
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += (double)query[c] * row[c];
                    rescored[j] = (1 - dot, r.Ids[j]);
                }
                Array.Sort(rescored);
                for (int j = 0; j < Math.Min(k, rescored.Length); j++)
                {
                    ids[at + j] = rescored[j].Id;
                    dists[at + j] = (float)rescored[j].Distance;
                }
            }
            progress?.Invoke(q0 + count);
        }
        return (ids, dists);
    }
}
