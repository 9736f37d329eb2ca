namespace Trawl.Server.Charts;

/// <summary>One bar: a label, its count, and where clicking it goes (null: not a link).</summary>
internal sealed record Bar(string Label, long Count, string? Href, bool Selected = false);
