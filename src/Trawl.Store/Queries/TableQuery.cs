namespace Trawl.Store.Queries;

/// <summary>Which rows of a table: search, filters, sort and a page. Shared by rows, counts, facets, histograms and exports.</summary>
public sealed record TableQuery
{
    public required string Table { get; init; }

    /// <summary>Full-text search over the table's search columns; null or empty for none.</summary>
    public string? Search { get; init; }

    public SearchMode SearchMode { get; init; } = SearchMode.Plain;

    /// <summary>Searches restricted to one search column each (all must match, with <see cref="Search"/>).</summary>
    public IReadOnlyList<ColumnSearch> ColumnSearches { get; init; } = [];

    public IReadOnlyList<ColumnFilter> Filters { get; init; } = [];

    /// <summary>An SQL boolean expression (the CLI's --where, or the web's _where after <see cref="Sql.WhereClause.Check"/>),
    /// run on read-only connections; null for none.</summary>
    public string? Where { get; init; }

    /// <summary>Column to sort by; null sorts by rowid (or by search rank when searching and no sort is given).</summary>
    public string? Sort { get; init; }

    public bool SortDescending { get; init; }

    /// <summary>Rows per page.</summary>
    public int Size { get; init; } = 100;

    /// <summary>Stops the rows, count and facet queries after this long (a <see cref="Sql.SqlTimeoutException"/>);
    /// null for no limit. The web sets it whenever the query holds user SQL (_where).</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Opaque keyset cursor from a previous <see cref="RowPage.Next"/>; null for the first page.</summary>
    public string? Next { get; init; }
}
