namespace Trawl.Server.Rendering;

/// <summary>What kind of thing a URL points at, judged by scheme and path. Only http and https URLs are ever
/// linked or embedded: anything else (javascript:, data:, file:) stays text.</summary>
internal static class MediaUrl
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".gif", ".webp"];
    private static readonly string[] VideoExtensions = [".mp4", ".webm", ".mov"];

    /// <summary>The URL when <paramref name="text"/> is one absolute http(s) URL with a host; otherwise null.</summary>
    public static Uri? TryParseHttp(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 8192)
            return null;
        if (!text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            return null;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                return null;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            return null;
        if ((uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
            return null;
        return uri;
    }

    public static bool IsImage(Uri uri) => HasExtension(uri, ImageExtensions);

    public static bool IsVideo(Uri uri) => HasExtension(uri, VideoExtensions);

    private static bool HasExtension(Uri uri, string[] extensions)
    {
        string path = uri.AbsolutePath;
        foreach (string ext in extensions)
        {
            if (path.EndsWith(ext, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}
