namespace Trawl.Clip.Images;

/// <summary>What an image may cost before it is decoded.</summary>
public sealed class ImageLimits
{
    /// <summary>Largest width × height decoded; larger images (decompression bombs among them) are refused from
    /// their header, before any pixel is decoded. Pillow's own warning threshold is about 89 M.</summary>
    public long MaxPixels { get; init; } = 64_000_000;

    /// <summary>Largest encoded file read.</summary>
    public long MaxEncodedBytes { get; init; } = 64L << 20;

    public static ImageLimits Default { get; } = new();
}
