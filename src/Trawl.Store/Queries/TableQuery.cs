namespace Trawl.Store.Queries;

/// <summary>Which rows of a table: search, filters, sort and a page. Shared by rows, counts, facets, histograms and exports.</summary>
public sealed record TableQuery
{
    public required string Table { get; init; }

    /// <summary>Full-text search over the table's search columns; null or empty for none.</summary>
    public string? Search { get; init; }

    public SearchMode SearchMode { get; init; } = SearchMode.Plain;

    public IReadOnlyList<ColumnFilter> Filters { get; init; } = [];

    /// <summary>A trusted SQL boolean expression (from the CLI's --where, never from the web); null for none.</summary>
    public string? Where { get; init; }

    /// <summary>Column to sort by; null sorts by rowid (or by search rank when searching and no sort is given).</summary>
    public string? Sort { get; init; }

    public bool SortDescending { get; init; }

    /// <summary>Rows per page.</summary>
    public int Size { get; init; } = 100;

    /// <summary>Opaque keyset cursor from a previous <see cref="RowPage.Next"/>; null for the first page.</summary>
    public string? Next { get; init; }
}
