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

        var (tw, th) = TargetSize(ow, oh);
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

        var (cw, ch) = CanvasSize(tw, th);
        using var surface = SKSurface.Create(new SKImageInfo(cw, ch, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"could not allocate a {cw}x{ch} surface");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using (var image = SKImage.FromBitmap(bitmap))
        {
            var sampling = tw < decodeSize.Width ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear) : new SKSamplingOptions(SKCubicResampler.Mitchell);
            // Centred: the border mode pads around the image, center_crop cuts the overflow equally on both sides.
            float x = (cw - tw) / 2f, y = (ch - th) / 2f;
            canvas.DrawImage(image, new SKRect(x, y, x + tw, y + th), sampling, null);
        }
        using var snapshot = surface.Snapshot();
        using var output = snapshot.Encode(Options.Format switch
        {
            EncodeFormat.Png => SKEncodedImageFormat.Png,
            EncodeFormat.Webp => SKEncodedImageFormat.Webp,
            _ => SKEncodedImageFormat.Jpeg,
        }, Options.Quality);
        if (output is null)
            return ResizedImage.Failed("image encoding error", ow, oh);
        return new ResizedImage(output.ToArray(), cw, ch, ow, oh, null);
    }

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
        if (Options.OnlyIfBigger && factor > 1)
            factor = 1;
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
