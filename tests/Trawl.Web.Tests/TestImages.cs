using SkiaSharp;

namespace Trawl.Web.Tests;

/// <summary>Generated images for the local web host and the resizer tests.</summary>
internal static class TestImages
{
    /// <summary>A JPEG with a gradient and a dark square in the middle (never white in the centre).</summary>
    public static byte[] Jpeg(int width, int height, int seed, int quality = 90) => Encode(width, height, seed, SKEncodedImageFormat.Jpeg, quality, transparentLeft: false);

    /// <summary>A PNG whose left half is fully transparent.</summary>
    public static byte[] PngWithTransparentLeft(int width, int height, int seed) => Encode(width, height, seed, SKEncodedImageFormat.Png, 100, transparentLeft: true);

    private static byte[] Encode(int width, int height, int seed, SKEncodedImageFormat format, int quality, bool transparentLeft)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.Transparent);
        using (var paint = new SKPaint())
        {
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [new SKColor((byte)(seed * 37), 80, 160), new SKColor(200, (byte)(seed * 11), 40)], SKShaderTileMode.Clamp);
            canvas.DrawRect(transparentLeft ? new SKRect(width / 2f, 0, width, height) : new SKRect(0, 0, width, height), paint);
        }
        using (var dark = new SKPaint { Color = new SKColor(20, 20, 20) })
            canvas.DrawRect(new SKRect(width * 0.6f, height * 0.4f, width * 0.7f, height * 0.6f), dark);
        using var image = surface.Snapshot();
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>A JPEG with an APP1 Exif segment right after SOI: IFD0 with Make "TrawlCam" and Orientation 6, little-endian.</summary>
    public static byte[] JpegWithExif(int width, int height, int seed)
    {
        byte[] jpeg = Jpeg(width, height, seed);
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0,
            2, 0,
            0x0F, 0x01, 2, 0, 9, 0, 0, 0, 38, 0, 0, 0,     // Make, ASCII, 9 bytes at offset 38
            0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0,      // Orientation, SHORT, 6
            0, 0, 0, 0,
            .. "TrawlCam"u8, 0,
        ];
        int length = 2 + 6 + tiff.Length;
        return [0xFF, 0xD8, 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. "Exif"u8, 0, 0, .. tiff, .. jpeg.AsSpan(2)];
    }

    /// <summary>A PNG whose header declares <paramref name="width"/> x <paramref name="height"/> pixels but holds almost no data.</summary>
    public static byte[] PngBomb(int width, int height)
    {
        byte[] small = PngWithTransparentLeft(4, 4, 1);
        // IHDR's width and height are at bytes 16..24; the CRC no longer matches, which a codec checking it also refuses.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(small.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(small.AsSpan(20), height);
        uint crc = Crc32(small.AsSpan(12, 17));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(small.AsSpan(29), crc);
        return small;
    }

    /// <summary>The PNG chunk CRC (CRC-32, polynomial 0xEDB88320).</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>The colour of one pixel of an encoded image.</summary>
    public static SKColor Pixel(byte[] encoded, int x, int y)
    {
        using var bitmap = SKBitmap.Decode(encoded);
        return bitmap.GetPixel(x, y);
    }

    public static (int Width, int Height) Size(byte[] encoded)
    {
        using var codec = SKCodec.Create(SKData.CreateCopy(encoded));
        return (codec.Info.Width, codec.Info.Height);
    }
}
