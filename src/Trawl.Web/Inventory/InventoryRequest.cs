using Trawl.Web.Http;

namespace Trawl.Web.Inventory;

/// <summary>What <c>trawl inventory</c> asks for.</summary>
public sealed record InventoryRequest
{
    /// <summary>A text file with one URL a line (blank lines and lines starting with # are skipped).</summary>
    public required string UrlsFile { get; init; }
    /// <summary>The dataset to write (created, or its table replaced).</summary>
    public required string Output { get; init; }
    public string Table { get; init; } = "inventory";
    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; init; } = 64;
    public FetchOptions Fetch { get; init; } = new() { PerHostLimit = 64 };
    /// <summary>About how many bytes of the list one working bucket holds: the memory the run needs grows with it, not with the list.</summary>
    public long WorkBucketBytes { get; init; } = 8 << 20;
}
