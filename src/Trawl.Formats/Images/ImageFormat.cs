namespace Trawl.Formats.Images;

/// <summary>Image file types recognised from their first bytes.</summary>
public enum ImageFormat
{
    Unknown,
    Jpeg,
    Png,
    Gif,
    WebP,
    Bmp,
    Avif,
}
