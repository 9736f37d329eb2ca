using System.Diagnostics;
using System.Globalization;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Storage;
using Trawl.Store.VectorSets;
using Trawl.Vectors;
using Trawl.Vectors.Indexes;
using Trawl.Vectors.Storage;

namespace Trawl.Store.AnnIndexes;

/// <summary>
/// Nearest-neighbour indexes of a dataset's vector sets: one per set, in <c>NAME.trawl/indexes/SET.KIND</c>
/// (e.g. <c>image.hnsw</c>), recorded in meta.db's <c>_trawl_indexes</c>. An index built for vectors that
/// changed since (the set's checksum differs) is stale and never used.
/// </summary>
public static class DatasetIndexes
{
    /// <summary>
    /// Builds (or rebuilds) the index of <paramref name="vectorSet"/> from a factory string (<c>HNSW32</c>,
    /// <c>IVF4096,PQ64,Refine</c>...). Holds the dataset's ingest lock meanwhile; the file is written beside
    /// its final name and renamed into place, then the registry row is replaced, so readers see the old
    /// index or the new one, never half of one. Bad input is a <see cref="UserErrorException"/>.
    /// </summary>
    public static IndexBuildReport Build(string datasetPath, string vectorSet, string factory, DatasetIndexBuildOptions? options = null,
        IProgress<IndexBuildProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(vectorSet);
        ArgumentNullException.ThrowIfNull(factory);
        IndexSpec spec = IndexFiles.ParseFactory(factory);
        IndexBuildOptions buildOptions = IndexFiles.BuildOptions(options);
        var clock = Stopwatch.StartNew();
        using var dataset = Dataset.Open(datasetPath);
        IngestLock writeLock;
        try
        {
            writeLock = IngestLock.Acquire(dataset.Directory);
        }
        catch (UserErrorException e)
        {
            throw new UserErrorException($"{dataset.Directory}: an ingest or another index build is writing this dataset; wait for it to finish", e);
        }
        using (writeLock)
        {
            VectorSetInfo info = FindSet(dataset, vectorSet);
            VectorSetFile file = dataset.OpenVectorSet(info.Name);
            VectorMetric metric = options?.Metric ?? info.Metric;
            string relative = IndexFiles.RelativePath(info.Name, spec);
            string path = Path.Combine(dataset.Directory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                using IVectorIndex index = VectorIndexFactory.Create(spec.ToString(), file, metric, buildOptions);
                IndexFiles.Fill(index, progress, cancel);
                cancel.ThrowIfCancellationRequested();
                index.Save(path);
            }
            catch (ArgumentException e)
            {
                throw new UserErrorException($"vector set '{info.Name}': cannot build {spec}: {IndexFiles.Message(e)}", e);
            }
            clock.Stop();
            string? previous = null;
            using (var conn = IndexRegistry.OpenForWriting(DatasetPaths.MetaDb(dataset.Directory)))
            {
                previous = IndexRegistry.ReadAll(conn).FirstOrDefault(x => x.VectorSet.Equals(info.Name, StringComparison.OrdinalIgnoreCase))?.File;
                IndexRegistry.Upsert(conn, new IndexRegistry.Entry(info.Name, relative, spec.ToString(), VectorMetricNames.Name(metric),
                    info.Checksum, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), clock.Elapsed.TotalSeconds));
            }
            if (previous is not null && previous != relative)
                DeleteQuietly(Path.Combine(dataset.Directory, previous));
            return new IndexBuildReport(path, spec.ToString(), metric, file.Header.Count, file.Header.Dimension,
                (int)file.Header.RowBytes, new FileInfo(path).Length, clock.Elapsed);
        }
    }

    /// <summary>The dataset's indexes, by vector set, each marked stale when its set changed or its file is missing.</summary>
    public static IReadOnlyList<DatasetIndexInfo> List(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var entries = dataset.ReadWith(IndexRegistry.ReadAll);
        if (entries.Count == 0) return [];
        var sets = dataset.ListVectorSets();
        var list = new List<DatasetIndexInfo>(entries.Count);
        foreach (var e in entries)
        {
            var set = sets.FirstOrDefault(s => s.Name.Equals(e.VectorSet, StringComparison.OrdinalIgnoreCase));
            var file = new FileInfo(Path.Combine(dataset.Directory, e.File));
            bool stale = set is null || !set.Checksum.Equals(e.VectorSetChecksum, StringComparison.OrdinalIgnoreCase) || !file.Exists;
            list.Add(new DatasetIndexInfo(e.VectorSet, e.File, e.Factory, VectorMetricNames.Parse(e.Metric, $"index of vector set '{e.VectorSet}': metric"), e.VectorSetChecksum, e.BuiltAt, e.BuildSeconds, file.Exists ? file.Length : 0, stale));
        }
        return list;
    }

    /// <summary>The index of one vector set, or null when it has none.</summary>
    public static DatasetIndexInfo? Find(Dataset dataset, string vectorSet)
    {
        ArgumentException.ThrowIfNullOrEmpty(vectorSet);
        return List(dataset).FirstOrDefault(i => i.VectorSet.Equals(vectorSet, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Opens the index of <paramref name="vectorSet"/> over the dataset's (shared) vector set file; the caller
    /// disposes it. Null when the set has no index. A stale or unreadable index is not used: with
    /// <paramref name="required"/> that is a <see cref="UserErrorException"/>, otherwise <paramref name="warn"/>
    /// hears why and null is returned (callers then search exactly).
    /// </summary>
    public static IVectorIndex? Open(Dataset dataset, string vectorSet, bool required = false, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var info = Find(dataset, vectorSet);
        if (info is null)
        {
            if (required) throw new UserErrorException($"vector set '{vectorSet}' has no index; build one with: trawl index {dataset.Directory} --vectors {vectorSet} --index HNSW32");
            return null;
        }
        string? problem = null;
        if (info.Stale)
            problem = info.SizeBytes == 0 && !File.Exists(Path.Combine(dataset.Directory, info.File))
                ? $"the index file {info.File} of vector set '{info.VectorSet}' is missing"
                : $"the index of vector set '{info.VectorSet}' ({info.File}, {info.Factory}) is stale: the vectors changed since it was built";
        IVectorIndex? index = null;
        if (problem is null)
        {
            try
            {
                VectorSetFile set = dataset.OpenVectorSet(info.VectorSet);
                index = VectorIndexFactory.Open(Path.Combine(dataset.Directory, info.File), set);
            }
            catch (VectorFormatException e)
            {
                problem = e.Message.Contains("vectors changed", StringComparison.Ordinal)
                    ? $"the index of vector set '{info.VectorSet}' ({info.File}, {info.Factory}) is stale: the vectors changed since it was built"
                    : $"the index of vector set '{info.VectorSet}' cannot be used: {e.Message}";
            }
        }
        if (problem is null) return index;
        string advice = $"{problem}; rebuild it with: trawl index {dataset.Directory} --vectors {info.VectorSet} --index {info.Factory}";
        if (required) throw new UserErrorException(advice);
        warn?.Invoke(advice + " (searching exactly meanwhile)");
        return null;
    }

    private static VectorSetInfo FindSet(Dataset dataset, string name) => dataset.ChooseVectorSet(name);

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
