using System.Runtime.InteropServices;
using SkiaSharp;
using Trawl.Formats.Tables;

namespace Trawl.Clip.Images;

/// <summary>Decodes JPEG (baseline and progressive), PNG, WebP and GIF (first frame) with SkiaSharp into RGB, applying
/// the EXIF orientation. The format is read from the bytes; a file whose name says another image format is refused
/// (it is lying about its type). Size is checked from the header against <see cref="ImageLimits"/> before decoding.
/// Alpha is dropped without compositing, as Pillow's convert("RGB") does.</summary>
public static class ClipImageDecoder
{
    public static RgbImage DecodeFile(string path, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        var info = new FileInfo(path);
        if (!info.Exists) throw new DataFormatException(path, "no such image file");
        if (info.Length > limits.MaxEncodedBytes)
            throw new DataFormatException(path, $"{info.Length:N0} bytes is more than the {limits.MaxEncodedBytes:N0} an image may have");
        return Decode(File.ReadAllBytes(path), path, limits, FormatFromName(path));
    }

    /// <param name="name">Names the image in errors (a file, a row, "the uploaded image").</param>
    /// <param name="claimed">The format the image's name or content type claims, checked against the bytes.</param>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string name, ImageLimits? limits = null, SKEncodedImageFormat? claimed = null)
    {
        limits ??= ImageLimits.Default;
        if (encoded.Length == 0) throw new DataFormatException(name, "the image is empty (0 bytes)");
        if (encoded.Length > limits.MaxEncodedBytes)
            throw new DataFormatException(name, $"{encoded.Length:N0} bytes is more than the {limits.MaxEncodedBytes:N0} an image may have");
        using var data = SKData.CreateCopy(encoded);
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream, out var createResult);
        if (codec is null)
        {
            throw new DataFormatException(name, LooksLikeImage(encoded)
                ? $"the image is truncated or corrupt (its header cannot be read: {createResult})"
                : $"not a JPEG, PNG, WebP or GIF image (starts with {Hex(encoded)})");
        }
        var format = codec.EncodedFormat;
        if (format is not (SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Png or SKEncodedImageFormat.Webp or SKEncodedImageFormat.Gif))
            throw new DataFormatException(name, $"{format} images are not supported (JPEG, PNG, WebP and GIF are)");
        if (claimed is { } c && c != format)
            throw new DataFormatException(name, $"the name says {c} but the bytes are a {format} image");
        int width = codec.Info.Width, height = codec.Info.Height;
        if (width <= 0 || height <= 0) throw new DataFormatException(name, $"the image has no pixels ({width}×{height})");
        if ((long)width * height > limits.MaxPixels)
            throw new DataFormatException(name, $"{width}×{height} is {(long)width * height:N0} pixels, more than the limit of {limits.MaxPixels:N0} (a decompression bomb is refused before decoding)");

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[(long)width * height * 4];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject(), new SKCodecOptions(0));
        }
        finally
        {
            handle.Free();
        }
        if (result == SKCodecResult.IncompleteInput || (format == SKEncodedImageFormat.Jpeg && !HasEndOfImage(encoded))
            || (format == SKEncodedImageFormat.Gif && encoded[^1] != 0x3B))
            throw new DataFormatException(name, "the image is truncated (its data ends before the last row)");
        if (result != SKCodecResult.Success)
            throw new DataFormatException(name, $"the image could not be decoded ({result})");
        var rgb = new byte[(long)width * height * 3];
        for (long p = 0, q = 0; p < rgba.Length; p += 4, q += 3)
        {
            rgb[q] = rgba[p];
            rgb[q + 1] = rgba[p + 1];
            rgb[q + 2] = rgba[p + 2];
        }
        return ImageOrientation.Apply(new RgbImage(width, height, rgb), codec.EncodedOrigin);
    }

    /// <summary>The format a file name's extension claims, if it names one.</summary>
    public static SKEncodedImageFormat? FormatFromName(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" or ".jpe" or ".jfif" => SKEncodedImageFormat.Jpeg,
        ".png" => SKEncodedImageFormat.Png,
        ".webp" => SKEncodedImageFormat.Webp,
        ".gif" => SKEncodedImageFormat.Gif,
        _ => null,
    };

    /// <summary>A GIF ends with its trailer byte (0x3B); without it the file was cut, though Skia may still fill the
    /// first frame's missing rows. A JPEG whose data ends before its EOI marker (FF D9 after the first scan) is truncated, even where
    /// the decoder (progressive JPEG) fills in the missing scans silently. Entropy-coded data never holds FF D9.</summary>
    private static bool HasEndOfImage(ReadOnlySpan<byte> jpeg)
    {
        int sos = jpeg.IndexOf([(byte)0xFF, (byte)0xDA]);
        return sos >= 0 && jpeg[sos..].LastIndexOf([(byte)0xFF, (byte)0xD9]) >= 0;
    }

    private static bool LooksLikeImage(ReadOnlySpan<byte> b) =>
        b.StartsWith([(byte)0xFF, (byte)0xD8]) || b.StartsWith([(byte)0x89, (byte)'P', (byte)'N', (byte)'G'])
        || b.StartsWith("GIF8"u8) || b.StartsWith("RIFF"u8);

    private static string Hex(ReadOnlySpan<byte> bytes) =>
        Convert.ToHexString(bytes[..Math.Min(8, bytes.Length)]).ToLowerInvariant();
}
