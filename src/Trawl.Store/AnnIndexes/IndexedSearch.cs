using Trawl.Store.Datasets;
using Trawl.Store.VectorSets;
using Trawl.Vectors.Indexes;
using Trawl.Vectors.Search;

namespace Trawl.Store.AnnIndexes;

/// <summary>
/// kNN through a vector set's index when it has a current one: what <c>Dataset.Knn</c> tries before its
/// exact scan. Returns null (search exactly) when exact search is asked for, when results must be
/// de-duplicated (an exact-scan feature), or when the set has no usable index (the warning says why
/// for a stale or unreadable one).
/// </summary>
internal static class IndexedSearch
{
    public static SearchResult[]? TrySearch(IndexCache cache, Dataset dataset, VectorSetInfo set, ReadOnlySpan<float> queries, int k,
        RowFilter? filter, KnnQuery query, out string? factory, out FilterPlan? plan, out string? warning)
    {
        factory = null;
        plan = null;
        warning = null;
        int? ef = query.Ef, nprobe = query.NProbe, refine = query.Refine;
        bool exact = query.Exact, deduplicate = query.Deduplicate;
        if (ef is < 1) throw new UserErrorException($"ef must be at least 1, not {ef}");
        if (nprobe is < 1) throw new UserErrorException($"nprobe must be at least 1, not {nprobe}");
        if (refine is < 1) throw new UserErrorException($"refine must be at least 1, not {refine}");
        if (exact || deduplicate) return null;
        IVectorIndex? index = cache.Get(dataset, set, out warning);
        if (index is null) return null;
        try
        {
            var options = new IndexSearchOptions { Filter = filter, Ef = ef, NProbe = nprobe, RefineFactor = refine, FilterStrategy = query.FilterStrategy };
            var results = index.SearchBatch(queries, k, options);
            factory = index.Factory;
            plan = index.PlanFilter(k, options);
            return results;
        }
        catch (ArgumentException e)
        {
            throw new UserErrorException($"vector set '{set.Name}': {IndexFiles.Message(e)}", e);
        }
    }
}
