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
}
