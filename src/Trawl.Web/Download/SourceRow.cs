namespace Trawl.Web.Download;

/// <summary>One row to download: its key (rowid or position), URL and caption, the values of the extra columns to keep
/// (in <see cref="DownloadRequest.AdditionalColumns"/> order) and the hash the image must have, when one is verified.</summary>
public readonly record struct SourceRow(long Key, string? Url, string? Caption)
{
    public object?[]? Extra { get; init; }
    public string? ExpectedHash { get; init; }
}
