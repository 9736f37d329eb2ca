using Trawl.Web.Http;
using Trawl.Web.Images;

namespace Trawl.Web.Download;

/// <summary>What <c>trawl download</c> asks for.</summary>
public sealed record DownloadRequest
{
    /// <summary>A dataset (rows keep their rowid as the sample key) or any file Trawl reads (the row's position is the key).</summary>
    public required string Input { get; init; }
    /// <summary>The dataset's table; null takes its only table.</summary>
    public string? Table { get; init; }
    public required string UrlColumn { get; init; }
    public string? CaptionColumn { get; init; }
    /// <summary>The folder the shards go to (created).</summary>
    public required string OutputFolder { get; init; }
    public ResizeOptions Resize { get; init; } = new();
    /// <summary>Samples per shard.</summary>
    public int ShardSize { get; init; } = 10_000;
    /// <summary>Downloads in flight at once.</summary>
    public int Concurrency { get; init; } = 32;
    /// <summary>Images decoded and resized at once (CPU work); 0 takes the number of processors.</summary>
    public int ResizeThreads { get; init; }
    public FetchOptions Fetch { get; init; } = new();
    /// <summary>Further input columns kept in each sample's JSON and Parquet (img2dataset's save_additional_columns).</summary>
    public IReadOnlyList<string> AdditionalColumns { get; init; } = [];
    /// <summary>Record the image's EXIF tags in the <c>exif</c> field, as exifread prints them (img2dataset's extract_exif).</summary>
    public bool ExtractExif { get; init; } = true;
    /// <summary>The hash of the bytes as downloaded, stored in a column named after it (img2dataset's compute_hash).</summary>
    public SampleHash Hash { get; init; } = SampleHash.Sha256;
    /// <summary>An input column holding the expected <see cref="Hash"/> of each image; a different hash is a
    /// failed_to_download "hash mismatch" (img2dataset's verify_hash).</summary>
    public string? VerifyHashColumn { get; init; }
    /// <summary>Store the bytes as downloaded, without decoding (img2dataset's disable_all_reencoding): no sizes, no filters.</summary>
    public bool DisableAllReencoding { get; init; }
}
