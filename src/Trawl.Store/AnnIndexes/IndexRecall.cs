using System.Diagnostics;
using Trawl.Vectors.Indexes;
using Trawl.Vectors.Search;

namespace Trawl.Store.AnnIndexes;

/// <summary>Estimates an index's recall against exact search, with rows of its own set as queries.</summary>
public static class IndexRecall
{
    public const int DefaultQueries = 200;
    public const int DefaultK = 10;

    /// <summary>
    /// Samples <paramref name="queries"/> distinct rows (seeded), searches each with the index and exactly
    /// for k + 1 neighbours, leaves the query row out of both lists and compares the first k.
    /// </summary>
    public static RecallEstimate Estimate(IVectorIndex index, IndexSearchOptions? options = null, int queries = DefaultQueries, int k = DefaultK, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(queries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var data = index.Data;
        long n = index.Count;
        int count = (int)Math.Min(queries, n);
        string settings = Settings(index, options);
        if (count == 0) return new RecallEstimate(1, 0, k, settings, 0, 0);
        var rows = SampleRows(n, count, seed);
        int dim = data.Dimension;
        var q = new float[count * dim];
        for (int i = 0; i < count; i++) data.CopyRowTo(rows[i], q.AsSpan(i * dim, dim));

        var clock = Stopwatch.StartNew();
        SearchResult[] found = index.SearchBatch(q, k + 1, options);
        double indexMs = clock.Elapsed.TotalMilliseconds / count;
        var exact = ExactSearch.Create(data, index.Metric);
        clock.Restart();
        SearchResult[] truth = exact.SearchBatch(q, k + 1, n == data.Rows ? null : new SearchOptions { Filter = FirstRows(n, data.Rows) });
        double exactMs = clock.Elapsed.TotalMilliseconds / count;

        var f = new List<IReadOnlyList<long>>(count);
        var t = new List<IReadOnlyList<long>>(count);
        for (int i = 0; i < count; i++)
        {
            f.Add(Without(found[i].Ids, rows[i], k));
            t.Add(Without(truth[i].Ids, rows[i], k));
        }
        return new RecallEstimate(Recall.AtK(f, t, k), count, k, settings, indexMs, exactMs);
    }

    /// <summary>The settings a search with <paramref name="options"/> uses, e.g. "ef 64".</summary>
    public static string Settings(IVectorIndex index, IndexSearchOptions? options)
    {
        ArgumentNullException.ThrowIfNull(index);
        var spec = IndexSpec.Parse(index.Factory);
        var d = new IndexBuildOptions();
        return spec.Kind switch
        {
            IndexKind.Hnsw => $"ef {options?.Ef ?? d.EfSearch}",
            IndexKind.IvfPq => spec.Refine
                ? $"nprobe {options?.NProbe ?? d.NProbe}, refine ×{options?.RefineFactor ?? d.RefineFactor}"
                : $"nprobe {options?.NProbe ?? d.NProbe}",
            _ => "exact",
        };
    }

    private static long[] SampleRows(long n, int count, int seed)
    {
        var rng = new Random(seed);
        var chosen = new HashSet<long>();
        var rows = new long[count];
        for (int i = 0; i < count;)
        {
            long r = rng.NextInt64(n);
            if (chosen.Add(r)) rows[i++] = r;
        }
        return rows;
    }

    private static RowFilter FirstRows(long n, long rows)
    {
        var bits = new ulong[(rows + 63) / 64];
        for (long i = 0; i < n; i++) bits[i >> 6] |= 1UL << (int)(i & 63);
        return RowFilter.FromBitmap(bits, rows);
    }

    private static long[] Without(long[] ids, long row, int k)
    {
        var list = new List<long>(k);
        foreach (long id in ids)
        {
            if (id != row && list.Count < k) list.Add(id);
        }
        return list.ToArray();
    }
}
