using Trawl.Store.Queries;

namespace Trawl.Server.Requests;

/// <summary>One facet asked for: <c>_facet</c>, <c>_facet_array</c> or <c>_facet_date</c> and its column.</summary>
public sealed record FacetRequest(string Column, FacetKind Kind)
{
    /// <summary>The query-string key that asks for this kind of facet.</summary>
    public string Parameter => ParameterOf(Kind);

    public static string ParameterOf(FacetKind kind) => kind switch
    {
        FacetKind.Array => "_facet_array",
        FacetKind.Date => "_facet_date",
        _ => "_facet",
    };
}
