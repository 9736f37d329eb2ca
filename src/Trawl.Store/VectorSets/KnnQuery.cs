using Trawl.Store.Queries;

namespace Trawl.Store.VectorSets;

/// <summary>A nearest-neighbour query over one vector set: by a row's own vector or by a given vector,
/// optionally restricted to the rows a <see cref="TableQuery"/> matches (search, filters, where).</summary>
public sealed record KnnQuery
{
    /// <summary>Largest k a query may ask for.</summary>
    public const int MaxK = 10_000;

    /// <summary>The vector set's name (as in <see cref="VectorSetInfo.Name"/>).</summary>
    public required string VectorSet { get; init; }

    /// <summary>Query by this row's own vector; the row itself is left out of the results (unless
    /// <see cref="RowVectorSet"/> names another set). Exactly one of Row and Vector.</summary>
    public long? Row { get; init; }

    /// <summary>With <see cref="Row"/>: take the row's vector from this other set of the same table and dimension
    /// (e.g. a caption's "text" vector to search the "image" set). The row itself is then not left out.
    /// Null: the searched set.</summary>
    public string? RowVectorSet { get; init; }

    /// <summary>Query by this vector (the set's dimension).</summary>
    public float[]? Vector { get; init; }

    /// <summary>How many neighbours to return (1..<see cref="MaxK"/>).</summary>
    public int K { get; init; } = 10;

    /// <summary>Drop results whose cosine with a better result is at least 0.94 (as clip-retrieval does).</summary>
    public bool Deduplicate { get; init; }

    /// <summary>Only rows this query matches (its Search, Filters and Where; Sort, Size and Next are ignored).
    /// Its Table must be the set's table; null allows every row.</summary>
    public TableQuery? Filter { get; init; }

    /// <summary>Scan every row exactly even when the set has an index (by default a current index is used; see docs/indexes.md).</summary>
    public bool Exact { get; init; }

    /// <summary>With an HNSW index: the search beam (default: the index's, 64); larger finds more of the exact neighbours, slower.</summary>
    public int? Ef { get; init; }

    /// <summary>With an IVF-PQ index: lists visited (default: the index's, 16).</summary>
    public int? NProbe { get; init; }

    /// <summary>With an index and a <see cref="Filter"/>: walk the index (widened), scan the allowed rows exactly, or choose by
    /// the allow-list's density (the default; see docs/indexes.md, Filtered search). The result's <c>FilterPlan</c> says what ran.</summary>
    public Trawl.Vectors.Indexes.FilterStrategy FilterStrategy { get; init; }

    /// <summary>With an IVF-PQ index built with <c>,Refine</c>: candidates re-ranked exactly per wanted result (default: the index's, 16).</summary>
    public int? Refine { get; init; }
}
