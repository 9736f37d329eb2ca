namespace Trawl.Web.Http;

/// <summary>How <see cref="WebFetcher"/> talks to hosts: limits, retries and politeness.</summary>
public sealed record FetchOptions
{
    /// <summary>Time for one attempt, body included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Further attempts after a network error, a timeout, a 5xx or a 429.</summary>
    public int Retries { get; init; } = 2;
    /// <summary>Requests in flight to one host at most (politeness).</summary>
    public int PerHostLimit { get; init; } = 16;
    /// <summary>Bodies larger than this are refused (announced or actual).</summary>
    public long MaxBodyBytes { get; init; } = 16 << 20;
    /// <summary>Redirects followed before giving up.</summary>
    public int MaxRedirects { get; init; } = 5;
    /// <summary>The token in the User-Agent and the one X-Robots-Tag directives may address (img2dataset's default).</summary>
    public string UserAgentToken { get; init; } = "img2dataset";
    /// <summary>X-Robots-Tag directives that forbid using an image (img2dataset's defaults); empty honours none.</summary>
    public IReadOnlyList<string> OptOutDirectives { get; init; } = ["noai", "noimageai", "noindex", "noimageindex"];
    /// <summary>Pause before a retry (doubled each time).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);
}
