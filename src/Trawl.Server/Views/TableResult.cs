using Trawl.Server.Requests;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Server.Views;

/// <summary>Everything a table page or its JSON twin shows.</summary>
internal sealed record TableResult(
    string Database,
    TableInfo Table,
    TableRequest Request,
    RowPage Page,
    IReadOnlyList<ShownFacet> Facets,
    IReadOnlyList<Histogram> Histograms,
    IReadOnlyList<SuggestedFacet> SuggestedFacets,
    double ElapsedMs)
{
    /// <summary>Counting the matches took longer than the time limit; <see cref="RowPage.Count"/> is then null.</summary>
    public bool CountTimedOut { get; init; }

    /// <summary>Facets asked for (or shown by default) that took longer than the time limit.</summary>
    public IReadOnlyList<string> FacetsTimedOut { get; init; } = [];

    public IReadOnlyList<string> HistogramsTimedOut { get; init; } = [];

    public double TimeLimitMs { get; init; }

    /// <summary>Per row of the page, the search columns' excerpts with the matches marked (search pages only).</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<string?>> Snippets { get; init; } = new Dictionary<long, IReadOnlyList<string?>>();

    /// <summary>The page's query as SQL (search, filters and sort written in), for the "SQL" link; null without SQL.</summary>
    public string? Sql { get; init; }

    /// <summary>The table's token-count column (see <see cref="TableInfo.TokenColumn"/>), or null.</summary>
    public string? TokenColumn { get; init; }

    /// <summary>The matching rows' tokens (the sum of <see cref="TokenColumn"/>); null without one or past the time limit.</summary>
    public long? Tokens { get; init; }

    /// <summary>Foreign-key columns resolved to their rows: links and labels on the page, {"value", "label"} in JSON.</summary>
    public IReadOnlyList<LinkedColumn> Linked { get; init; } = [];

    /// <summary>The table's metadata (title, descriptions, license, source), or null.</summary>
    public Metadata.TableMetadata? Metadata { get; init; }

    /// <summary>Cells cut text after this many characters (truncate_cells_html; 0: never).</summary>
    public int TruncateCells { get; init; } = TableView.MaxCellText;

    /// <summary>default_allow_sql: the page links to its query as SQL.</summary>
    public bool AllowSql { get; init; } = true;

    /// <summary>allow_facet: the column menu offers facets.</summary>
    public bool AllowFacet { get; init; } = true;

    /// <summary>"scheme://host" for absolute URLs in JSON.</summary>
    public string Origin { get; init; } = "";

    /// <summary>The table has a vector set: each row gets a "similar" link to its row page's neighbours.</summary>
    public bool HasVectors { get; init; }

    /// <summary>What the "by meaning" forms offer (serve --model over a table with vectors).</summary>
    public MeaningForms.Abilities Meaning { get; init; } = MeaningForms.Abilities.None;

    /// <summary>The query string the facet links start from: no cursor, and the default facets made explicit so
    /// they stay on screen after a click.</summary>
    public QueryParams FacetBase()
    {
        var p = Request.Params.Without("_next");
        foreach (var f in Facets.Where(f => !f.Explicit))
            p = p.WithDistinct(Requests.FacetRequest.ParameterOf(f.Kind), f.Column);
        return p;
    }
}
