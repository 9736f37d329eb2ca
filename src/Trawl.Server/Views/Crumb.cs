namespace Trawl.Server.Views;

/// <summary>A link in the breadcrumb trail; the last one (the current page) has no href.</summary>
internal sealed record Crumb(string Label, string? Href);
