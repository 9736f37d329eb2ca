using System.Diagnostics;
using Trawl.Formats.NumPy;
using Trawl.Vectors;
using Trawl.Vectors.Indexes;
using Trawl.Vectors.Search;
using Trawl.Store.VectorSets;

namespace Trawl.Store.AnnIndexes;

/// <summary>
/// Indexes over bare .npy files, outside any dataset (<c>trawl index --base</c>, <c>trawl knn --base --index-file</c>):
/// the index file records a checksum of the base's data and refuses a base that changed.
/// </summary>
public static class BareIndexes
{
    /// <summary>Builds an index over the rows of <paramref name="basePath"/> (2-D float32/float16 .npy) into <paramref name="outPath"/>.</summary>
    public static IndexBuildReport Build(string basePath, string factory, string outPath, VectorMetric metric = VectorMetric.InnerProduct, DatasetIndexBuildOptions? options = null,
        IProgress<IndexBuildProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outPath);
        IndexSpec spec = IndexFiles.ParseFactory(factory);
        IndexBuildOptions buildOptions = IndexFiles.BuildOptions(options);
        var clock = Stopwatch.StartNew();
        using var base_ = NpyVectors.Open(basePath, "the base");
        buildOptions = buildOptions with { VectorSetChecksum = base_.Checksum() };
        string full = Path.GetFullPath(outPath);
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder)) throw new UserErrorException($"{outPath}: the folder {folder} does not exist");
        try
        {
            using IVectorIndex index = VectorIndexFactory.Create(spec.ToString(), base_.Matrix, metric, buildOptions);
            IndexFiles.Fill(index, progress, cancel);
            cancel.ThrowIfCancellationRequested();
            index.Save(full);
        }
        catch (ArgumentException e)
        {
            throw new UserErrorException($"{base_.Path}: cannot build {spec}: {IndexFiles.Message(e)}", e);
        }
        clock.Stop();
        return new IndexBuildReport(full, spec.ToString(), metric, base_.Matrix.Rows, base_.Matrix.Dimension,
            (int)base_.Matrix.RowBytes, new FileInfo(full).Length, clock.Elapsed);
    }

    /// <summary>
    /// The k nearest rows of the base (2-D float32/float16 .npy) for every query of <paramref name="queriesPath"/>
    /// (1-D or 2-D float .npy, see <see cref="QueryVectors.FromNpy"/>): through the index file when
    /// <paramref name="indexPath"/> is given, else exactly with <paramref name="metric"/> (optionally dropping near-duplicates).
    /// The one bare-file kNN: <c>trawl knn --base</c> and <see cref="Search"/> both call it.
    /// </summary>
    public static BareKnnResult Knn(string basePath, string? indexPath, string queriesPath, int k, VectorMetric metric = VectorMetric.InnerProduct,
        bool deduplicate = false, IndexSearchOptions? options = null)
    {
        if (k is < 1 or > KnnQuery.MaxK) throw new UserErrorException($"--k must be between 1 and {KnnQuery.MaxK:N0}, not {k}");
        if (indexPath is not null && deduplicate) throw new UserErrorException("an index file search cannot drop near-duplicates; leave out the index file or the de-duplication");
        var open = Stopwatch.StartNew();
        using var base_ = NpyVectors.Open(basePath, "the base");
        if (base_.Matrix.Rows > int.MaxValue) throw new UserErrorException($"{base_.Path}: {base_.Matrix.Rows:N0} vectors do not fit int32 ids");
        var (queries, count, _) = QueryVectors.FromNpy(queriesPath, base_.Matrix.Dimension);
        IVectorIndex? index = null;
        try
        {
            if (indexPath is not null) index = OpenIndexFile(base_.Matrix, indexPath, base_.Path);
            open.Stop();
            var clock = Stopwatch.StartNew();
            SearchResult[] results;
            string settings;
            try
            {
                if (index is not null)
                {
                    results = index.SearchBatch(queries, k, options);
                    settings = IndexRecall.Settings(index, options);
                }
                else
                {
                    results = ExactSearch.Create(base_.Matrix, metric).SearchBatch(queries, k,
                        deduplicate ? new SearchOptions { DeduplicateAboveCosine = SearchOptions.DefaultDeduplicationCosine } : null);
                    settings = "exact";
                }
            }
            catch (ArgumentException e)
            {
                throw new UserErrorException($"{queriesPath}: {IndexFiles.Message(e)}", e);
            }
            // One batch scan reads the base once (a span at a time, scored by every query before the next span).
            long streamed = index is null ? base_.Matrix.Rows * base_.Matrix.RowBytes : 0;
            return new BareKnnResult(results, base_.Matrix.Rows, k, settings, clock.Elapsed, open.Elapsed) { StreamedBytes = streamed };
        }
        finally
        {
            index?.Dispose();
        }
    }

    /// <summary>
    /// <see cref="Knn"/>, written as an int32 (queries × k) .npy of row ids (−1 where fewer were found), as
    /// <c>trawl knn --out</c> and peers.py's gt.npy. The file appears whole or not at all.
    /// </summary>
    public static BareSearchReport Search(string basePath, string? indexPath, string queriesPath, int k, string outPath,
        IndexSearchOptions? options = null, VectorMetric metric = VectorMetric.InnerProduct)
    {
        var found = Knn(basePath, indexPath, queriesPath, k, metric, false, options);
        string full = Path.GetFullPath(outPath);
        string temp = full + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        NpyFile.Write<int>(temp, found.Ids(), found.Results.Count, k);
        File.Move(temp, full, overwrite: true);
        return new BareSearchReport(found.Results.Count, k, found.Settings, full, found.Elapsed, found.OpenElapsed);
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
            IVectorIndex index = VectorIndexFactory.Open(indexPath, baseMatrix, NpyVectors.Checksum(baseMatrix));
            // Read-ahead hints and the upper levels touched (milliseconds); the checksum has just mapped the base itself.
            index.WarmUp(WarmUpMode.Advise);
            return index;
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
