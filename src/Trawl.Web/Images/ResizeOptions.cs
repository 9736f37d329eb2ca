namespace Trawl.Web.Images;

/// <summary>How <see cref="ImageResizer"/> turns a downloaded image into a stored one.</summary>
public sealed record ResizeOptions
{
    public int ImageSize { get; init; } = 256;
    public ResizeMode Mode { get; init; } = ResizeMode.Border;
    public EncodeFormat Format { get; init; } = EncodeFormat.Jpg;
    /// <summary>JPEG/WebP quality 0–100 (PNG is lossless; the value is ignored).</summary>
    public int Quality { get; init; } = 95;
    /// <summary>Only shrink, never enlarge (img2dataset's resize_only_if_bigger).</summary>
    public bool OnlyIfBigger { get; init; }
    /// <summary>Images whose header declares more pixels than this are refused before any decoding (decompression bombs).</summary>
    public long MaxPixels { get; init; } = 89_478_485;
}
