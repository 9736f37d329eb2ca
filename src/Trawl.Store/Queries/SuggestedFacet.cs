namespace Trawl.Store.Queries;

/// <summary>A column worth faceting for the current rows, and how (values, list elements or dates).</summary>
public sealed record SuggestedFacet(string Column, FacetKind Kind);
