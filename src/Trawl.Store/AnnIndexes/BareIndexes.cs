using System.Diagnostics;
using Trawl.Formats.NumPy;
using Trawl.Vectors;
using Trawl.Vectors.Indexes;
using Trawl.Vectors.Search;

namespace Trawl.Store.AnnIndexes;

/// <summary>
/// Indexes over bare .npy files, outside any dataset (<c>trawl index --base</c>, <c>trawl knn --base --index-file</c>):
/// the index file records a checksum of the base's data and refuses a base that changed.
/// </summary>
public static class BareIndexes
{
    /// <summary>Builds an index over the rows of <paramref name="basePath"/> (2-D float32/float16 .npy) into <paramref name="outPath"/>.</summary>
    public static IndexBuildReport Build(string basePath, string factory, string outPath, string metric = "ip", DatasetIndexBuildOptions? options = null,
        IProgress<IndexBuildProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outPath);
        IndexSpec spec = IndexFiles.ParseFactory(factory);
        VectorMetric m = IndexFiles.ParseMetric(metric);
        IndexBuildOptions buildOptions = IndexFiles.BuildOptions(options);
        var clock = Stopwatch.StartNew();
        using var base_ = NpyVectors.Open(basePath, "the base");
        buildOptions = buildOptions with { VectorSetChecksum = base_.Checksum() };
        string full = Path.GetFullPath(outPath);
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder)) throw new UserErrorException($"{outPath}: the folder {folder} does not exist");
        try
        {
            using IVectorIndex index = VectorIndexFactory.Create(spec.ToString(), base_.Matrix, m, buildOptions);
            IndexFiles.Fill(index, progress, cancel);
            cancel.ThrowIfCancellationRequested();
            index.Save(full);
        }
        catch (ArgumentException e)
        {
            throw new UserErrorException($"{base_.Path}: cannot build {spec}: {IndexFiles.Message(e)}", e);
        }
        clock.Stop();
        return new IndexBuildReport(full, spec.ToString(), IndexFiles.MetricName(m), base_.Matrix.Rows, base_.Matrix.Dimension,
            (int)base_.Matrix.RowBytes, new FileInfo(full).Length, clock.Elapsed);
    }

    /// <summary>
    /// The k nearest rows of the base for every row of <paramref name="queriesPath"/>, through the index file
    /// (or exactly when <paramref name="indexPath"/> is null), written as an int32 (queries × k) .npy (as <c>trawl knn --out</c> and peers.py's gt.npy).
    /// </summary>
    public static BareSearchReport Search(string basePath, string? indexPath, string queriesPath, int k, string outPath,
        IndexSearchOptions? options = null, string metric = "ip")
    {
        if (k is < 1 or > 10_000) throw new UserErrorException($"--k must be between 1 and 10,000, not {k}");
        var open = Stopwatch.StartNew();
        using var base_ = NpyVectors.Open(basePath, "the base");
        using var queryFile = NpyVectors.Open(queriesPath, "the queries");
        if (queryFile.Matrix.Dimension != base_.Matrix.Dimension)
            throw new UserErrorException($"{queryFile.Path}: the queries have dimension {queryFile.Matrix.Dimension}, the base {base_.Matrix.Dimension}");
        IVectorIndex? index = null;
        try
        {
            if (indexPath is not null)
            {
                index = OpenIndexFile(base_.Matrix, indexPath, base_.Path);
            }
            open.Stop();
            float[] queries = queryFile.ToFloats();
            int count = (int)queryFile.Matrix.Rows;
            var ids = new long[(long)count * k];
            var clock = Stopwatch.StartNew();
            string settings;
            if (index is not null)
            {
                index.Search(queries, k, ids, new float[ids.Length], options);
                settings = IndexRecall.Settings(index, options);
            }
            else
            {
                var exact = ExactSearch.Create(base_.Matrix, IndexFiles.ParseMetric(metric));
                SearchResult[] results = exact.SearchBatch(queries, k);
                Array.Fill(ids, -1L);
                for (int q = 0; q < count; q++) results[q].Ids.CopyTo(ids, (long)q * k);
                settings = "exact";
            }
            clock.Stop();
            string full = Path.GetFullPath(outPath);
            string temp = full + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
            var ids32 = new int[ids.Length];
            for (int i = 0; i < ids.Length; i++) ids32[i] = checked((int)ids[i]);
            NpyFile.Write<int>(temp, ids32, count, k);
            File.Move(temp, full, overwrite: true);
            return new BareSearchReport(count, k, settings, full, clock.Elapsed, open.Elapsed);
        }
        finally
        {
            index?.Dispose();
        }
    }

    /// <summary>
    /// Searches <paramref name="queries"/> (row-major) through the index file built over <paramref name="baseMatrix"/>
    /// (a bare base's rows); the base's checksum must be the one the index recorded. Bad files are <see cref="UserErrorException"/>s.
    /// </summary>
    public static SearchResult[] SearchIndexFile(VectorMatrix baseMatrix, string indexPath, ReadOnlySpan<float> queries, int k, IndexSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseMatrix);
        using IVectorIndex index = OpenIndexFile(baseMatrix, indexPath, "the base");
        try
        {
            return index.SearchBatch(queries, k, options);
        }
        catch (ArgumentException e)
        {
            throw new UserErrorException($"{indexPath}: {IndexFiles.Message(e)}", e);
        }
    }

    private static IVectorIndex OpenIndexFile(VectorMatrix baseMatrix, string indexPath, string baseName)
    {
        if (!File.Exists(indexPath)) throw new UserErrorException($"{indexPath}: no such index file");
        try
        {
            return VectorIndexFactory.Open(indexPath, baseMatrix, NpyVectors.Checksum(baseMatrix));
        }
        catch (VectorFormatException e)
        {
            throw new UserErrorException(e.Message.Contains("vectors changed", StringComparison.Ordinal)
                ? $"{indexPath} was built over other vectors than {baseName} (its data checksum differs); rebuild it with trawl index --base"
                : e.Message, e);
        }
    }

    /// <summary>Rows, dimension and bytes per stored vector of a base .npy (for choosing an index).</summary>
    public static (long Rows, int Dimension, int VectorBytes) Describe(string basePath)
    {
        using var base_ = NpyVectors.Open(basePath, "the base");
        return (base_.Matrix.Rows, base_.Matrix.Dimension, (int)base_.Matrix.RowBytes);
    }

    /// <summary><see cref="IndexRecall.Estimate"/> for an index file over a base .npy.</summary>
    public static RecallEstimate EstimateRecall(string basePath, string indexPath, int queries = IndexRecall.DefaultQueries, int k = IndexRecall.DefaultK)
    {
        using var base_ = NpyVectors.Open(basePath, "the base");
        using IVectorIndex index = VectorIndexFactory.Open(indexPath, base_.Matrix, base_.Checksum());
        return IndexRecall.Estimate(index, null, queries, k);
    }
}
