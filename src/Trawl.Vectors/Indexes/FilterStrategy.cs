namespace Trawl.Vectors.Indexes;

/// <summary>How a search with an allow-list is answered (see docs/indexes.md, Filtered search).</summary>
public enum FilterStrategy
{
    /// <summary>Chosen per batch from the allow-list's density: exact search over the allowed rows when that
    /// costs fewer distance computations than the widened walk would, else the widened walk.</summary>
    Auto,
    /// <summary>The index walk, its beam (HNSW ef) or list count (IVF nprobe) widened by 1/√density, at most ×4.</summary>
    Walk,
    /// <summary>Exact search over the allowed rows.</summary>
    Exact,
}
