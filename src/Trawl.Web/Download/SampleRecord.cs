namespace Trawl.Web.Download;

/// <summary>One sample's metadata, as img2dataset writes it to the .json member and the shard's Parquet (see <see cref="SampleLayout"/>).</summary>
public sealed record SampleRecord(
    string? Url, string? Caption, string Key, SampleStatus Status, string? ErrorMessage,
    int? Width, int? Height, int? OriginalWidth, int? OriginalHeight, string? Exif, string? Hash)
{
    /// <summary>The additional columns' values, in the layout's order.</summary>
    public object?[]? Extra { get; init; }

    public static string StatusName(SampleStatus status) => status switch
    {
        SampleStatus.Success => "success",
        SampleStatus.FailedToDownload => "failed_to_download",
        _ => "failed_to_resize",
    };
}
