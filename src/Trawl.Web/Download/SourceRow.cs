namespace Trawl.Web.Download;

/// <summary>One row to download: its key (rowid or position), URL and caption.</summary>
public readonly record struct SourceRow(long Key, string? Url, string? Caption);
