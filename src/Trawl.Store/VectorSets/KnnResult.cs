namespace Trawl.Store.VectorSets;

/// <summary>The neighbours found, best first: the table's columns (rowid first) plus their similarity.</summary>
/// <param name="VectorSet">The set searched.</param>
/// <param name="Columns">Column names of <paramref name="Rows"/> ("rowid" first; no similarity column).</param>
/// <param name="Rows">The neighbours' rows, best first.</param>
/// <param name="Similarities">Similarity of each row, larger is nearer: the inner product or cosine, or for the
/// l2 metric the negated squared distance.</param>
/// <param name="Dropped">Results dropped as near-duplicates of better ones (0 without deduplication).</param>
/// <param name="Elapsed">Time taken.</param>
public sealed record KnnResult(
    VectorSetInfo VectorSet,
    IReadOnlyList<string> Columns,
    IReadOnlyList<object?[]> Rows,
    IReadOnlyList<float> Similarities,
    int Dropped,
    TimeSpan Elapsed)
{
    /// <summary>The name to give the similarity beside the row's columns: "similarity", or "_similarity" when the
    /// table has its own column of that name (LAION's CLIP score does).</summary>
    /// <summary>The factory string of the index that answered (e.g. "HNSW32"), or null for an exact scan.</summary>
    public string? Index { get; init; }

    /// <summary>How the index answered the allow-list (strategy, density, widened ef or nprobe); null without an index or a filter.</summary>
    public Trawl.Vectors.Indexes.FilterPlan? FilterPlan { get; init; }

    /// <summary>Why a set's index was not used (stale or unreadable), or null.</summary>
    public string? Warning { get; init; }

    public string SimilarityName =>
        Columns.Any(c => c.Equals("similarity", StringComparison.OrdinalIgnoreCase)) ? "_similarity" : "similarity";
}
