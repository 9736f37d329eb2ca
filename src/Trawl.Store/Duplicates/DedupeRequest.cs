namespace Trawl.Store.Duplicates;

/// <summary>What <see cref="DatasetDedupe.Run"/> is asked to do.</summary>
public sealed record DedupeRequest
{
    public DedupeMethod Method { get; init; } = DedupeMethod.Vectors;
    /// <summary>The vector set (Vectors); null picks the dataset's only one.</summary>
    public string? VectorSet { get; init; }
    /// <summary>The text column (MinHash).</summary>
    public string? TextColumn { get; init; }
    /// <summary>The table (MinHash; Vectors uses the set's table); null picks the only one.</summary>
    public string? Table { get; init; }
    /// <summary>Smallest similarity of a duplicate pair, in (0, 1].</summary>
    public double Threshold { get; init; } = 0.95;
    /// <summary>"cosine" or "ip"; null uses the vector set's own metric (cosine for l2 sets is refused).</summary>
    public string? Metric { get; init; }
    public KeepRule Keep { get; init; } = KeepRule.First;
    /// <summary>Neighbours asked of the ANN index per row.</summary>
    public int Candidates { get; init; } = 16;
    /// <summary>Pairs kept per row at most, which bounds memory when a cluster is huge.</summary>
    public int MaxPairsPerRow { get; init; } = 64;
    /// <summary>Scan exactly even when the set has an index.</summary>
    public bool Exact { get; init; }
    /// <summary>HNSW beam width for the candidate search (null: the index default, at least 2 × candidates).</summary>
    public int? Ef { get; init; }
    /// <summary>Rows whose pairs are found exactly to measure the candidate search's recall (index only; 0 skips).</summary>
    public int RecallSample { get; init; } = 200;
    /// <summary>Ignore an interrupted run's saved work and start over.</summary>
    public bool Restart { get; init; }
    /// <summary>MinHash permutations and words per shingle.</summary>
    public int Permutations { get; init; } = 128;
    public int ShingleWords { get; init; } = 3;
    /// <summary>Rows searched between two saves of the work (0: about 1% of the rows). Internal: tests make it small.</summary>
    internal int RowsPerChunk { get; init; }
}
