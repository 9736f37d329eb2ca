namespace Trawl.Web.Http;

/// <summary>What became of one request.</summary>
public enum FetchStatus
{
    /// <summary>An HTTP answer with a 2xx status (and, for a download, the whole body).</summary>
    Ok,
    /// <summary>An HTTP answer with another status (after following redirects).</summary>
    HttpError,
    /// <summary>The URL is malformed or not http(s); nothing was sent.</summary>
    BadUrl,
    /// <summary>A redirect pointed at a non-http(s) URL, or there were too many.</summary>
    BadRedirect,
    /// <summary>The body was larger than the limit.</summary>
    TooLarge,
    /// <summary>The host opted out with X-Robots-Tag.</summary>
    OptedOut,
    /// <summary>Timeout, refused connection, reset, truncated body...</summary>
    NetworkError,
}
