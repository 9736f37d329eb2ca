namespace Trawl.Web.Images;

/// <summary>How <see cref="ImageResizer"/> turns a downloaded image into a stored one.</summary>
public sealed record ResizeOptions
{
    public int ImageSize { get; init; } = 256;
    public ResizeMode Mode { get; init; } = ResizeMode.Border;
    public EncodeFormat Format { get; init; } = EncodeFormat.Jpg;
    /// <summary>JPEG/WebP quality 0–100; for PNG the zlib compression level 0–9, as img2dataset's encode_quality.</summary>
    public int Quality { get; init; } = 95;
    /// <summary>Resize only images larger than the target (img2dataset's resize_only_if_bigger): a smaller one keeps its size,
    /// without border or crop.</summary>
    public bool OnlyIfBigger { get; init; }
    /// <summary>Images whose shorter side is smaller are refused ("image too small").</summary>
    public int MinImageSize { get; init; }
    /// <summary>Images with more pixels are refused after decoding ("image area too large"); img2dataset's max_image_area.</summary>
    public double MaxImageArea { get; init; } = double.PositiveInfinity;
    /// <summary>Images whose longer side divided by the shorter is larger are refused ("aspect ratio too large").</summary>
    public double MaxAspectRatio { get; init; } = double.PositiveInfinity;
    /// <summary>Keep the downloaded bytes when no resize was needed and they are already in the output format (and opaque).</summary>
    public bool SkipReencode { get; init; }
    /// <summary>Images whose header declares more pixels than this are refused before any decoding (decompression bombs).</summary>
    public long MaxPixels { get; init; } = 89_478_485;
}
