namespace Trawl.Web.Http;

/// <summary>Which URLs are fetched at all: absolute http(s) URLs with a host. Anything else is recorded, never sent.</summary>
public static class UrlCheck
{
    /// <summary>The parsed URL, or null with the reason in <paramref name="error"/>.</summary>
    public static Uri? TryParse(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty URL";
            return null;
        }
        string t = text.Trim();
        if (t.Length > 8192)
        {
            error = "URL longer than 8192 characters";
            return null;
        }
        if (!Uri.TryCreate(t, UriKind.Absolute, out var uri))
        {
            error = $"malformed URL: {Shorten(t)}";
            return null;
        }
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            error = $"not an http(s) URL (scheme '{uri.Scheme}'): {Shorten(t)}";
            return null;
        }
        if (string.IsNullOrEmpty(uri.Host))
        {
            error = $"URL has no host: {Shorten(t)}";
            return null;
        }
        return uri;
    }

    internal static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
