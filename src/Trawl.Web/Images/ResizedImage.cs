namespace Trawl.Web.Images;

/// <summary>The outcome of resizing one image: the encoded bytes and sizes, or the reason it failed (img2dataset's error_message).</summary>
public readonly record struct ResizedImage(byte[]? Bytes, int Width, int Height, int OriginalWidth, int OriginalHeight, string? Error)
{
    public bool Ok => Error is null;

    public static ResizedImage Failed(string error, int originalWidth = 0, int originalHeight = 0) => new(null, 0, 0, originalWidth, originalHeight, error);
}
