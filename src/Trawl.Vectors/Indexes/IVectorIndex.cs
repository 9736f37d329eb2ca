namespace Trawl.Vectors.Indexes;

/// <summary>
/// A nearest-neighbour index over the rows of one vector set (in the spirit of FAISS's Index):
/// <see cref="Train"/> where the kind needs it, <see cref="Add"/> rows in order, then search
/// batches of float queries into caller buffers. Ids are row numbers of the vector set.
/// </summary>
public interface IVectorIndex : IDisposable
{
    /// <summary>The factory string that builds an index like this one (e.g. <c>HNSW32</c>).</summary>
    string Factory { get; }
    VectorMetric Metric { get; }
    int Dimension { get; }
    /// <summary>The vectors the index was built over (rows are ids).</summary>
    VectorMatrix Data { get; }
    /// <summary>Rows indexed so far: ids 0..Count-1.</summary>
    long Count { get; }
    bool IsTrained { get; }

    /// <summary>Learns what the index needs from a sample of <see cref="Data"/> (no-op for kinds that need nothing).</summary>
    void Train();

    /// <summary>Indexes the next <paramref name="rows"/> rows of <see cref="Data"/> (ids Count..Count+rows-1).</summary>
    void Add(long rows);

    /// <summary>
    /// The k best ids and scores for each query (row-major, <c>queries.Length / Dimension</c> of them), best first,
    /// written to <c>ids[q*k ..]</c> and <c>scores[q*k ..]</c>; missing results are id -1 and score NaN.
    /// </summary>
    void Search(ReadOnlySpan<float> queries, int k, Span<long> ids, Span<float> scores, IndexSearchOptions? options = null);

    /// <summary>
    /// Prepares a freshly opened index for steady speed (see <see cref="WarmUpMode"/>): hints, the upper graph
    /// levels touched, and with <see cref="WarmUpMode.Populate"/> every page of the index file and the vectors
    /// mapped in. Safe to run on another thread while searches run; the index must stay open until it returns.
    /// </summary>
    /// <summary>
    /// What <see cref="Search"/> would do with this allow-list (see docs/indexes.md, Filtered search): the resolved
    /// strategy, the density and the widened ef or nprobe; null without a filter. It counts the allowed rows once.
    /// </summary>
    FilterPlan? PlanFilter(int k, IndexSearchOptions options);

    WarmUpReport WarmUp(WarmUpMode mode, CancellationToken cancel = default);

    /// <summary>Writes the index file (the vectors themselves stay in their vector set file).</summary>
    void Save(string path);
}
