namespace Trawl.Store.Contracts;

/// <summary>What a backend evaluates itself, next to the data, rather than by fetching rows.</summary>
[Flags]
public enum Pushdown
{
    None = 0,
    /// <summary>Full-text search narrows rows in the backend.</summary>
    Search = 1,
    /// <summary>Column filters (<see cref="Queries.ColumnFilter"/>) run in the backend.</summary>
    Filters = 2,
    /// <summary>A SQL where expression runs in the backend.</summary>
    Where = 4,
    /// <summary>Facet counts are computed in the backend.</summary>
    Facets = 8,
    /// <summary>Histograms are computed in the backend.</summary>
    Histograms = 16,
    /// <summary>kNN runs in the backend (else the caller scans the vectors through the allow-set).</summary>
    Knn = 32,
}
