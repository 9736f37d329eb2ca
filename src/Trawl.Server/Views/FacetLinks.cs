using Trawl.Server.Rendering;
using Trawl.Server.Requests;
using Trawl.Store.Queries;

namespace Trawl.Server.Views;

/// <summary>Where clicking a facet value goes: adding the filter that selects it (col__exact=value, col__isnull=1 for
/// null, col__arraycontains=value for a list element, col__date=value for a date), or removing it when that value is
/// already selected.</summary>
internal static class FacetLinks
{
    private static FilterOp OpFor(FacetKind kind) => kind switch
    {
        FacetKind.Array => FilterOp.ArrayContains,
        FacetKind.Date => FilterOp.Date,
        _ => FilterOp.Exact,
    };

    public static bool IsSelected(TableRequest request, string column, object? value, FacetKind kind = FacetKind.Value)
    {
        var op = OpFor(kind);
        foreach (var f in request.Query.Filters)
        {
            if (!string.Equals(f.Column, column, StringComparison.OrdinalIgnoreCase))
                continue;
            if (value is null && kind == FacetKind.Value && f.Op == FilterOp.IsNull && f.Value is "1" or "true")
                return true;
            if (value is not null && f.Op == op && f.Value == Html.Format(value))
                return true;
        }
        return false;
    }

    public static QueryParams Toggle(QueryParams baseParams, string column, object? value, bool selected, FacetKind kind = FacetKind.Value)
    {
        var op = OpFor(kind);
        if (selected)
        {
            string text = Html.Format(value);
            return baseParams.WithoutFilters((key, v) =>
            {
                var parsed = ColumnFilter.ParseKey(key);
                if (parsed is null || !string.Equals(parsed.Value.Column, column, StringComparison.OrdinalIgnoreCase))
                    return false;
                return value is null
                    ? parsed.Value.Op == FilterOp.IsNull
                    : parsed.Value.Op == op && v == text;
            });
        }
        return value is null
            ? baseParams.WithDistinct(column + "__isnull", "1")
            : baseParams.WithDistinct(column + "__" + op.ToString().ToLowerInvariant(), Html.Format(value));
    }

    /// <summary>The same page with every facet showing up to <see cref="TableRequest.MaxFacetSize"/> values.</summary>
    public static QueryParams More(QueryParams baseParams, TableRequest request) =>
        baseParams.Set("_facet_size", request.FacetSize >= TableRequest.MaxFacetSize ? request.FacetSize.ToString(System.Globalization.CultureInfo.InvariantCulture) : "max");
}
