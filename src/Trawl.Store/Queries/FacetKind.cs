namespace Trawl.Store.Queries;

/// <summary>What a facet counts: whole values (<c>_facet</c>), the elements of list cells (<c>_facet_array</c>,
/// JSON arrays and Python list literals), or the dates of date/time cells (<c>_facet_date</c>).</summary>
public enum FacetKind
{
    Value,
    Array,
    Date,
}
