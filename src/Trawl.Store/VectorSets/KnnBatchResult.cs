using Trawl.Vectors.Search;

namespace Trawl.Store.VectorSets;

/// <summary>The neighbours of many queries, one <see cref="SearchResult"/> per query (ids are row positions; scores are the
/// metric's own: similarity for ip and cosine, squared distance for l2).</summary>
/// <param name="Results">One per query, in order.</param>
/// <param name="Index">The factory string of the index that answered (e.g. "HNSW32"), or null for an exact scan.</param>
/// <param name="Warning">Why the set's index was not used (stale or unreadable), or null.</param>
public sealed record KnnBatchResult(IReadOnlyList<SearchResult> Results, string? Index, string? Warning)
{
    /// <summary>How the index answered the allow-list (strategy, density, widened ef or nprobe); null without an index or a filter.</summary>
    public Trawl.Vectors.Indexes.FilterPlan? FilterPlan { get; init; }
}
