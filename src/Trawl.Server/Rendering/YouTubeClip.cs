using System.Globalization;
using System.Text.RegularExpressions;

namespace Trawl.Server.Rendering;

/// <summary>A YouTube video id with an optional clip (start and end in whole seconds), as MusicCaps gives them.</summary>
internal sealed partial record YouTubeClip(string Id, int? Start, int? End)
{
    [GeneratedRegex("^[A-Za-z0-9_-]{11}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    /// <summary>YouTube ids are exactly 11 characters of [A-Za-z0-9_-]; nothing else reaches an embed URL.</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>The thumbnail YouTube serves for the video.</summary>
    public string ThumbnailUrl => $"https://i.ytimg.com/vi/{Id}/hqdefault.jpg";

    /// <summary>The privacy-enhanced player that plays exactly the clip.</summary>
    public string EmbedUrl
    {
        get
        {
            string url = $"https://www.youtube-nocookie.com/embed/{Id}?";
            if (Start is int s)
                url += $"start={s}&";
            if (End is int e)
                url += $"end={e}&";
            return url + "autoplay=1";
        }
    }

    public string WatchUrl => Start is int s ? $"https://www.youtube.com/watch?v={Id}&t={s}s" : $"https://www.youtube.com/watch?v={Id}";

    /// <summary>A clip from a bare id (a YouTube-role column) and its start/end columns' values.</summary>
    public static YouTubeClip? FromId(string? id, object? start, object? end) =>
        IsValidId(id) ? new YouTubeClip(id!, Seconds(start), Seconds(end)) : null;

    /// <summary>A clip from youtube.com/watch?v=ID, youtu.be/ID, /embed/ID or /shorts/ID URLs (t= or start=, end=); null otherwise.</summary>
    public static YouTubeClip? FromUrl(Uri uri)
    {
        string host = uri.Host.ToLowerInvariant();
        string? id = null;
        string path = uri.AbsolutePath;
        if (host == "youtu.be")
            id = path.TrimStart('/');
        else if (host is "youtube.com" or "www.youtube.com" or "m.youtube.com" or "music.youtube.com" or "www.youtube-nocookie.com")
        {
            if (path == "/watch")
                id = QueryValue(uri, "v");
            else if (path.StartsWith("/embed/", StringComparison.Ordinal))
                id = path["/embed/".Length..];
            else if (path.StartsWith("/shorts/", StringComparison.Ordinal))
                id = path["/shorts/".Length..];
        }
        if (!IsValidId(id))
            return null;
        return new YouTubeClip(id!, Seconds(QueryValue(uri, "t") ?? QueryValue(uri, "start")), Seconds(QueryValue(uri, "end")));
    }

    private static string? QueryValue(Uri uri, string key)
    {
        foreach (string part in uri.Query.TrimStart('?').Split('&'))
        {
            int eq = part.IndexOf('=');
            if (eq > 0 && part[..eq] == key)
                return Uri.UnescapeDataString(part[(eq + 1)..]);
        }
        return null;
    }

    /// <summary>Whole non-negative seconds from a number or "30", "30s", "30.0"; null otherwise.</summary>
    internal static int? Seconds(object? value)
    {
        double? d = value switch
        {
            long l => l,
            int i => i,
            double x => x,
            string s => double.TryParse(s.EndsWith('s') ? s[..^1] : s, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) ? p : null,
            _ => null,
        };
        if (d is not double v || !double.IsFinite(v) || v < 0 || v > int.MaxValue)
            return null;
        return (int)v;
    }
}
