namespace Trawl.Store.Attributes;

/// <summary>What <c>trawl ingest DATASET FILES --attributes-of TABLE --key COL</c> asks for.</summary>
public sealed class AttributeRequest
{
    /// <summary>Attribute files (JSON Lines, any compression): <c>{"id": …, "attributes": {…}}</c> (Dolma) or
    /// <c>{"id": …, "quality_signals": {…}}</c> (RedPajama-V2).</summary>
    public required IReadOnlyList<string> Sources { get; init; }

    /// <summary>The documents' table the attributes belong to.</summary>
    public required string Table { get; init; }

    /// <summary>The column of the documents (and the field of the attribute records) that joins them.</summary>
    public string Key { get; init; } = "id";

    /// <summary>The text the spans point into; null uses the table's first search column.</summary>
    public string? TextColumn { get; init; }
}
