namespace Trawl.Vectors.Indexes;

/// <summary>Settings fixed when an index is built.</summary>
public sealed record IndexBuildOptions
{
    /// <summary>Seed of every random choice (HNSW levels, k-means seeding, training sample).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Build threads; null uses <see cref="Environment.ProcessorCount"/>.</summary>
    public int? Threads { get; init; }

    /// <summary>HNSW: beam width while inserting (hnswlib's efConstruction).</summary>
    public int EfConstruction { get; init; } = 100;

    /// <summary>HNSW: default search beam when a search does not say.</summary>
    public int EfSearch { get; init; } = 64;

    /// <summary>IVF: default lists visited per query.</summary>
    public int NProbe { get; init; } = 16;

    /// <summary>IVF: Lloyd iterations of the coarse and product quantiser k-means.</summary>
    public int KMeansIterations { get; init; } = 10;

    /// <summary>IVF: at most this many training rows per coarse centroid are sampled (the benchmark gives FAISS the same 100).</summary>
    public int TrainingRowsPerCentroid { get; init; } = 100;

    /// <summary>With <c>,Refine</c>: default candidates re-ranked exactly per wanted result.</summary>
    public int RefineFactor { get; init; } = 16;

    /// <summary>Checksum of the vector set being indexed (its header's data checksum), written to the index file.</summary>
    public ulong VectorSetChecksum { get; init; }

    internal int ThreadCount => Threads ?? Environment.ProcessorCount;

    internal void Validate()
    {
        if (Threads is < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be at least 1");
        if (EfConstruction < 1) throw new ArgumentOutOfRangeException(nameof(EfConstruction), EfConstruction, "efConstruction must be at least 1");
        if (EfSearch < 1) throw new ArgumentOutOfRangeException(nameof(EfSearch), EfSearch, "efSearch must be at least 1");
        if (NProbe < 1) throw new ArgumentOutOfRangeException(nameof(NProbe), NProbe, "nprobe must be at least 1");
        if (KMeansIterations < 1) throw new ArgumentOutOfRangeException(nameof(KMeansIterations), KMeansIterations, "k-means iterations must be at least 1");
        if (TrainingRowsPerCentroid < 1) throw new ArgumentOutOfRangeException(nameof(TrainingRowsPerCentroid), TrainingRowsPerCentroid, "training rows per centroid must be at least 1");
        if (RefineFactor < 1) throw new ArgumentOutOfRangeException(nameof(RefineFactor), RefineFactor, "the refine factor must be at least 1");
    }
}
