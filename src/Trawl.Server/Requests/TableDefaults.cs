using Trawl.Server.Metadata;

namespace Trawl.Server.Requests;

/// <summary>What a table page does when its URL does not say: page and facet sizes from the server's settings
/// (<c>default_page_size</c>, <c>max_returned_rows</c>, <c>default_facet_size</c>, <c>allow_facet</c>), then sort,
/// page size and facet size from the table's metadata.</summary>
internal sealed record TableDefaults
{
    public static TableDefaults Standard { get; } = new();

    public int PageSize { get; init; } = TableRequest.DefaultSize;
    public int MaxPageSize { get; init; } = TableRequest.MaxSize;
    public int FacetSize { get; init; } = TableRequest.DefaultFacetSize;
    public string? Sort { get; init; }
    public bool SortDescending { get; init; }

    /// <summary>The metadata's sortable_columns: _sort on any other column is a 400 (null: any column).</summary>
    public IReadOnlyList<string>? SortableColumns { get; init; }

    /// <summary>The metadata's searchmode: raw.</summary>
    public bool RawSearch { get; init; }

    /// <summary>allow_facet: false makes _facet, _facet_array and _facet_date 400s (the metadata's facets still show).</summary>
    public bool AllowFacet { get; init; } = true;

    public static TableDefaults For(ServerOptions options, TableMetadata? table)
    {
        int max = Math.Clamp(options.MaxPageSize, 1, TableRequest.MaxSize);
        return new TableDefaults
        {
            MaxPageSize = max,
            PageSize = Math.Min(table?.Size ?? options.DefaultPageSize, max),
            FacetSize = Math.Min(table?.FacetSize ?? options.DefaultFacetSize, TableRequest.MaxFacetSize),
            Sort = table?.Sort ?? table?.SortDesc,
            SortDescending = table?.Sort is null && table?.SortDesc is not null,
            AllowFacet = options.AllowFacet,
            SortableColumns = table?.SortableColumns,
            RawSearch = table?.RawSearch == true,
        };
    }
}
