using Trawl.Store.Queries;

namespace Trawl.Server.Views;

/// <summary>A facet shown on a table page; <see cref="Explicit"/> is false for the default ones shown before any _facet.</summary>
internal sealed record ShownFacet(string Column, FacetResult Result, bool Explicit, FacetKind Kind = FacetKind.Value)
{
    /// <summary>Listed in the table's metadata: always shown, so the page offers no way to hide it.</summary>
    public bool Configured { get; init; }

    /// <summary>For a value facet over a foreign-key column: the rows its values point at, whose labels name the bars.</summary>
    public LinkedColumn? Labels { get; init; }

    /// <summary>The label of a facet value (a foreign key's label), or null.</summary>
    public string? LabelOf(object? value) => Labels?.Find(value)?.Label;
}
