using SkiaSharp;

namespace Trawl.Web.Images;

/// <summary>
/// Decodes, resizes and re-encodes one image with SkiaSharp the way img2dataset's resizer does (modes no, keep_ratio,
/// keep_ratio_largest, center_crop, border with white padding; transparency flattened onto white). The header is
/// read first and images declaring more than <see cref="ResizeOptions.MaxPixels"/> pixels are refused before any
/// pixel is decoded; JPEGs that shrink a lot are decoded at 1/2, 1/4 or 1/8 scale straight from the DCT. Thread-safe.
/// </summary>
public sealed class ImageResizer(ResizeOptions options)
{
    public ResizeOptions Options { get; } = options;

    public ResizedImage Resize(ReadOnlySpan<byte> encoded)
    {
        try
        {
            return ResizeCore(encoded);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ResizedImage.Failed("image decoding error: " + e.Message);
        }
    }

    private ResizedImage ResizeCore(ReadOnlySpan<byte> encoded)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        if (codec is null)
            return ResizedImage.Failed("image decoding error: not an image format that can be decoded");
        int ow = codec.Info.Width, oh = codec.Info.Height;
        if (ow <= 0 || oh <= 0)
            return ResizedImage.Failed("image decoding error: the image has no pixels");
        if ((long)ow * oh > Options.MaxPixels)
            return ResizedImage.Failed($"image area too large: {ow}x{oh} pixels, more than the limit of {Options.MaxPixels}", ow, oh);

        bool resize = NeedsResize(ow, oh);
        var (tw, th) = resize ? TargetSize(ow, oh) : (ow, oh);
        // Decode at the smallest size the codec offers that is still at least the target (JPEG: 1/2, 1/4, 1/8).
        float scale = Math.Max((float)tw / ow, (float)th / oh);
        SKSizeI decodeSize = scale < 1 ? codec.GetScaledDimensions(scale) : new SKSizeI(ow, oh);
        if (decodeSize.Width < tw || decodeSize.Height < th)
            decodeSize = new SKSizeI(ow, oh);
        var info = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result == SKCodecResult.IncompleteInput || result == SKCodecResult.ErrorInInput)
            return ResizedImage.Failed("image decoding error: the image data is truncated or damaged", ow, oh);
        if (result != SKCodecResult.Success)
            return ResizedImage.Failed($"image decoding error: {result}", ow, oh);
        // img2dataset's filters, after decoding as it does them, with its messages.
        if (Math.Min(ow, oh) < Options.MinImageSize)
            return ResizedImage.Failed("image too small", ow, oh);
        if ((double)ow * oh > Options.MaxImageArea)
            return ResizedImage.Failed("image area too large", ow, oh);
        if ((double)Math.Max(ow, oh) / Math.Min(ow, oh) > Options.MaxAspectRatio)
            return ResizedImage.Failed("aspect ratio too large", ow, oh);
        if (!resize && Options.SkipReencode && codec.Info.AlphaType == SKAlphaType.Opaque && IsOutputFormat(codec.EncodedFormat))
            return new ResizedImage(encoded.ToArray(), ow, oh, ow, oh, null);

        var (cw, ch) = resize ? CanvasSize(tw, th) : (tw, th);
        using var surface = SKSurface.Create(new SKImageInfo(cw, ch, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"could not allocate a {cw}x{ch} surface");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using (var image = SKImage.FromBitmap(bitmap))
        {
            // Decoded at exactly the target size (the DCT did the whole shrink): a plain copy, no filter to run.
            var sampling = tw == decodeSize.Width && th == decodeSize.Height ? new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None)
                : tw < decodeSize.Width ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear) : new SKSamplingOptions(SKCubicResampler.Mitchell);
            // Centred: the border mode pads around the image, center_crop cuts the overflow equally on both sides.
            float x = (cw - tw) / 2f, y = (ch - th) / 2f;
            canvas.DrawImage(image, new SKRect(x, y, x + tw, y + th), sampling, null);
        }
        using var snapshot = surface.Snapshot();
        using var output = Encode(snapshot);
        if (output is null)
            return ResizedImage.Failed("image encoding error", ow, oh);
        return new ResizedImage(output.ToArray(), cw, ch, ow, oh, null);
    }

    private SKData? Encode(SKImage image)
    {
        if (Options.Format != EncodeFormat.Png)
            return image.Encode(Options.Format == EncodeFormat.Webp ? SKEncodedImageFormat.Webp : SKEncodedImageFormat.Jpeg, Options.Quality);
        // PNG: the quality is zlib's level, as img2dataset passes it to OpenCV's IMWRITE_PNG_COMPRESSION.
        using var pixmap = image.PeekPixels();
        return pixmap?.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, Math.Clamp(Options.Quality, 0, 9)));
    }

    private bool IsOutputFormat(SKEncodedImageFormat format) => (Options.Format, format) is
        (EncodeFormat.Jpg, SKEncodedImageFormat.Jpeg) or (EncodeFormat.Png, SKEncodedImageFormat.Png) or (EncodeFormat.Webp, SKEncodedImageFormat.Webp);

    /// <summary>img2dataset resizes unless the mode is no, or only bigger images are resized and this one is not bigger
    /// (than the target on its shorter side for keep_ratio/center_crop, its longer side for border/keep_ratio_largest).</summary>
    private bool NeedsResize(int ow, int oh) => Options.Mode switch
    {
        ResizeMode.No => false,
        ResizeMode.KeepRatio or ResizeMode.CenterCrop => !Options.OnlyIfBigger || Math.Min(ow, oh) > Options.ImageSize,
        _ => !Options.OnlyIfBigger || Math.Max(ow, oh) > Options.ImageSize,
    };

    /// <summary>The size the image is scaled to (before padding or cropping).</summary>
    internal (int Width, int Height) TargetSize(int ow, int oh)
    {
        int size = Options.ImageSize;
        double factor = Options.Mode switch
        {
            ResizeMode.KeepRatio or ResizeMode.CenterCrop => (double)size / Math.Min(ow, oh),
            ResizeMode.KeepRatioLargest or ResizeMode.Border => (double)size / Math.Max(ow, oh),
            _ => 1,
        };
        return (Math.Max(1, (int)Math.Round(ow * factor)), Math.Max(1, (int)Math.Round(oh * factor)));
    }

    /// <summary>The output size: square for border (padded) and center_crop (cut), the scaled size otherwise.</summary>
    private (int Width, int Height) CanvasSize(int tw, int th) => Options.Mode switch
    {
        ResizeMode.Border => (Math.Max(tw, Options.ImageSize), Math.Max(th, Options.ImageSize)),
        ResizeMode.CenterCrop => (Math.Min(tw, Options.ImageSize), Math.Min(th, Options.ImageSize)),
        _ => (tw, th),
    };
}
