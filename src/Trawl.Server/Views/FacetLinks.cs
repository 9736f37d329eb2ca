using Trawl.Server.Rendering;
using Trawl.Server.Requests;
using Trawl.Store.Queries;

namespace Trawl.Server.Views;

/// <summary>Where clicking a facet value goes: adding col__exact=value (col__isnull=1 for null), or removing it when
/// that value is already selected.</summary>
internal static class FacetLinks
{
    public static bool IsSelected(TableRequest request, string column, object? value)
    {
        foreach (var f in request.Query.Filters)
        {
            if (!string.Equals(f.Column, column, StringComparison.OrdinalIgnoreCase))
                continue;
            if (value is null && f.Op == FilterOp.IsNull && f.Value is "1" or "true")
                return true;
            if (value is not null && f.Op == FilterOp.Exact && f.Value == Html.Format(value))
                return true;
        }
        return false;
    }

    public static QueryParams Toggle(QueryParams baseParams, string column, object? value, bool selected)
    {
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
                    : parsed.Value.Op == FilterOp.Exact && v == text;
            });
        }
        return value is null
            ? baseParams.WithDistinct(column + "__isnull", "1")
            : baseParams.WithDistinct(column + "__exact", Html.Format(value));
    }
}
