namespace Trawl.Formats.Images;

/// <summary>Tells an image's type from its magic bytes (never from a file name or a Content-Type header).</summary>
public static class ImageSniffer
{
    /// <summary>Bytes <see cref="Detect"/> needs at most.</summary>
    public const int PrefixLength = 16;

    public static ImageFormat Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
            return ImageFormat.Jpeg;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return ImageFormat.Png;
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
            return ImageFormat.Gif;
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head.Slice(8, 4).SequenceEqual("WEBP"u8))
            return ImageFormat.WebP;
        if (head.Length >= 14 && head.StartsWith("BM"u8))
            return ImageFormat.Bmp;
        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8) && (head.Slice(8, 4).SequenceEqual("avif"u8) || head.Slice(8, 4).SequenceEqual("avis"u8)))
            return ImageFormat.Avif;
        return ImageFormat.Unknown;
    }

    /// <summary>The MIME type to serve an image of this type with; null for <see cref="ImageFormat.Unknown"/>.</summary>
    public static string? MimeType(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        ImageFormat.Gif => "image/gif",
        ImageFormat.WebP => "image/webp",
        ImageFormat.Bmp => "image/bmp",
        ImageFormat.Avif => "image/avif",
        _ => null,
    };

    /// <summary>Whether a webdataset member extension names an image (jpg, jpeg, png, webp, gif, bmp, avif).</summary>
    public static bool IsImageExtension(ReadOnlySpan<char> extension) =>
        extension.Equals("jpg", StringComparison.OrdinalIgnoreCase) || extension.Equals("jpeg", StringComparison.OrdinalIgnoreCase)
        || extension.Equals("png", StringComparison.OrdinalIgnoreCase) || extension.Equals("webp", StringComparison.OrdinalIgnoreCase)
        || extension.Equals("gif", StringComparison.OrdinalIgnoreCase) || extension.Equals("bmp", StringComparison.OrdinalIgnoreCase)
        || extension.Equals("avif", StringComparison.OrdinalIgnoreCase);
}
