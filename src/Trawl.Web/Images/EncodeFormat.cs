namespace Trawl.Web.Images;

/// <summary>The format resized images are written in (and the extension of their tar member).</summary>
public enum EncodeFormat
{
    Jpg,
    Png,
    Webp,
}
