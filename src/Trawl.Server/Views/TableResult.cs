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
    IReadOnlyList<string> SuggestedFacets,
    double ElapsedMs)
{
    /// <summary>The query string the facet links start from: no cursor, and the default facets made explicit so
    /// they stay on screen after a click.</summary>
    public QueryParams FacetBase()
    {
        var p = Request.Params.Without("_next");
        foreach (var f in Facets.Where(f => !f.Explicit))
            p = p.WithDistinct("_facet", f.Column);
        return p;
    }
}
