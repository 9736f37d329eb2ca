namespace Trawl.Store.AnnIndexes;

/// <summary>Settings of <see cref="DatasetIndexes.Build"/>; null values take the index library's defaults.</summary>
public sealed record DatasetIndexBuildOptions
{
    /// <summary>HNSW: beam width while inserting.</summary>
    public int? EfConstruction { get; init; }

    /// <summary>Build threads (default: all cores).</summary>
    public int? Threads { get; init; }

    /// <summary>Seed of every random choice; the same seed, data and settings give the same index.</summary>
    public int? Seed { get; init; }

    /// <summary>The metric to index for; null uses the vector set's own (the registry's <c>metric</c>).</summary>
    public Trawl.Vectors.VectorMetric? Metric { get; init; }
}
