using Trawl.Formats.Tables;
using Trawl.Store.Datasets;

namespace Trawl.Store.Ingest;

/// <summary>Guesses what a column holds (image, video or YouTube URLs, plain URLs) from its name and a sample of its values,
/// so pages can show thumbnails and players without being told.</summary>
internal static class ColumnRoleGuesser
{
    private const int SampleSize = 200;

    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".avif"];
    private static readonly string[] VideoExtensions = [".mp4", ".webm", ".mov", ".m4v", ".ogv", ".mkv"];
    private static readonly string[] LaionUrlNames = ["url", "image_url", "img_url", "image", "img", "photo_url", "thumbnail_url"];

    private static readonly string[] TokenCountNames = ["token_count", "n_tokens", "num_tokens", "tokens"];

    /// <summary>The role of a new column: a token count when derived with token_count() or an integer column with a
    /// token-count name, else what its values look like.</summary>
    public static ColumnRole Guess(string name, SqlType type, ColumnValues values, int rows, bool derivedTokenCount) =>
        derivedTokenCount || (type == SqlType.Integer && IsTokenCountName(name)) ? ColumnRole.TokenCount : Guess(name, values, rows);

    public static bool IsTokenCountName(string name) =>
        TokenCountNames.Any(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));

    public static ColumnRole Guess(string name, ColumnValues values, int rows)
    {
        if (name.Equals("ytid", StringComparison.OrdinalIgnoreCase) || name.Equals("youtube_id", StringComparison.OrdinalIgnoreCase))
            return ColumnRole.YouTube;

        int seen = 0, urls = 0, images = 0, imageLike = 0, videos = 0, youtube = 0;
        for (int r = 0; r < rows && seen < SampleSize; r++)
        {
            var kind = values.KindAt(r);
            if (kind != ValueKind.Text)
                continue;
            var bytes = values.BytesAt(r);
            if (bytes.IsEmpty)
                continue;
            seen++;
            if (!bytes.StartsWith("http://"u8) && !bytes.StartsWith("https://"u8))
                continue;
            urls++;
            if (bytes.IndexOf("youtube.com/watch"u8) >= 0 || bytes.IndexOf("youtu.be/"u8) >= 0 || bytes.IndexOf("youtube.com/embed/"u8) >= 0)
            {
                youtube++;
                continue;
            }
            string path = PathPart(bytes);
            if (EndsWithAny(path, VideoExtensions))
                videos++;
            else if (EndsWithAny(path, ImageExtensions))
                images++;
            else if (path.Contains("/image", StringComparison.OrdinalIgnoreCase) || path.Contains("img", StringComparison.OrdinalIgnoreCase) || path.Contains("photo", StringComparison.OrdinalIgnoreCase))
                imageLike++;
        }
        if (seen == 0)
            return ColumnRole.None;
        if (youtube * 2 > seen)
            return ColumnRole.YouTube;
        if (urls * 2 <= seen)
            return ColumnRole.None;
        if (videos * 2 > urls)
            return ColumnRole.Video;
        if (images * 2 > urls)
            return ColumnRole.Image;
        // LAION's URL column: many image URLs carry no extension, so a looser test for the well-known names.
        if (LaionUrlNames.Contains(name, StringComparer.OrdinalIgnoreCase) && (images + imageLike) * 10 >= urls * 3)
            return ColumnRole.Image;
        return ColumnRole.Url;
    }

    private static string PathPart(ReadOnlySpan<byte> url)
    {
        int end = url.IndexOfAny((byte)'?', (byte)'#');
        if (end >= 0)
            url = url[..end];
        if (url.Length > 512)
            url = url[^512..];
        return System.Text.Encoding.UTF8.GetString(url);
    }

    private static bool EndsWithAny(string path, string[] extensions)
    {
        foreach (var e in extensions)
        {
            if (path.EndsWith(e, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}
