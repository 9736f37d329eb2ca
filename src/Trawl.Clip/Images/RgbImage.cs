namespace Trawl.Clip.Images;

/// <summary>An 8-bit RGB image, rows top to bottom, 3 bytes a pixel.</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        if ((long)width * height * 3 != pixels.Length) throw new ArgumentException("pixel buffer does not match the size", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }
}
