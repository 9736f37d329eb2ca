using Trawl.Formats.Images;
using Trawl.Web.Images;

namespace Trawl.Web.Tests;

public sealed class ImageResizerTests
{
    private static readonly byte[] Photo = TestImages.Jpeg(1024, 768, 3);

    [Theory]
    [InlineData(ResizeMode.Border, 256, 256)]
    [InlineData(ResizeMode.KeepRatio, 341, 256)]
    [InlineData(ResizeMode.KeepRatioLargest, 256, 192)]
    [InlineData(ResizeMode.CenterCrop, 256, 256)]
    [InlineData(ResizeMode.No, 1024, 768)]
    public void Modes_give_img2dataset_sizes(ResizeMode mode, int width, int height)
    {
        var r = new ImageResizer(new ResizeOptions { ImageSize = 256, Mode = mode }).Resize(Photo);
        Assert.True(r.Ok, r.Error);
        Assert.Equal((width, height), (r.Width, r.Height));
        Assert.Equal((1024, 768), (r.OriginalWidth, r.OriginalHeight));
        Assert.Equal((width, height), TestImages.Size(r.Bytes!));
        Assert.Equal(ImageFormat.Jpeg, ImageSniffer.Detect(r.Bytes));
    }

    [Fact]
    public void Border_mode_pads_with_white_above_and_below_a_wide_image()
    {
        var r = new ImageResizer(new ResizeOptions { ImageSize = 256, Mode = ResizeMode.Border }).Resize(Photo);
        // 1024x768 scales to 256x192: 32 rows of white above and below.
        var top = TestImages.Pixel(r.Bytes!, 128, 5);
        Assert.True(top.Red > 245 && top.Green > 245 && top.Blue > 245, top.ToString());
        var dark = TestImages.Pixel(r.Bytes!, 166, 128);
        Assert.True(dark.Red < 60, dark.ToString());
    }

    [Fact]
    public void Transparency_is_flattened_onto_white()
    {
        byte[] png = TestImages.PngWithTransparentLeft(200, 100, 2);
        var r = new ImageResizer(new ResizeOptions { ImageSize = 100, Mode = ResizeMode.KeepRatioLargest }).Resize(png);
        Assert.True(r.Ok, r.Error);
        var left = TestImages.Pixel(r.Bytes!, 10, 25);
        Assert.True(left.Red > 245 && left.Green > 245 && left.Blue > 245, left.ToString());
    }

    [Theory]
    [InlineData(EncodeFormat.Png, ImageFormat.Png)]
    [InlineData(EncodeFormat.Webp, ImageFormat.WebP)]
    [InlineData(EncodeFormat.Jpg, ImageFormat.Jpeg)]
    public void Encode_formats_write_their_type(EncodeFormat format, ImageFormat sniffed)
    {
        var r = new ImageResizer(new ResizeOptions { ImageSize = 64, Format = format }).Resize(Photo);
        Assert.Equal(sniffed, ImageSniffer.Detect(r.Bytes));
    }

    [Fact]
    public void A_decompression_bomb_is_refused_from_its_header()
    {
        byte[] bomb = TestImages.PngBomb(60_000, 60_000);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var r = new ImageResizer(new ResizeOptions()).Resize(bomb);
        Assert.False(r.Ok);
        Assert.Contains("image area too large", r.Error);
        Assert.Equal((60_000, 60_000), (r.OriginalWidth, r.OriginalHeight));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Truncated_and_non_images_fail_with_a_message()
    {
        var resizer = new ImageResizer(new ResizeOptions());
        var cut = resizer.Resize(Photo.AsSpan(0, Photo.Length / 2));
        Assert.False(cut.Ok);
        Assert.Contains("truncated", cut.Error);
        var text = resizer.Resize("<html>hello</html>"u8);
        Assert.False(text.Ok);
        Assert.Contains("image decoding error", text.Error);
        var empty = resizer.Resize([]);
        Assert.False(empty.Ok);
        // Every prefix of a JPEG fails cleanly or decodes; none crashes.
        for (int n = 0; n < 2000; n += 97)
            _ = resizer.Resize(Photo.AsSpan(0, n));
    }

    [Fact]
    public void Only_if_bigger_keeps_small_images_small()
    {
        byte[] small = TestImages.Jpeg(100, 50, 1);
        var r = new ImageResizer(new ResizeOptions { ImageSize = 256, Mode = ResizeMode.KeepRatio, OnlyIfBigger = true }).Resize(small);
        Assert.Equal((100, 50), (r.Width, r.Height));
    }

    [Theory]
    [InlineData(ResizeMode.Border)]
    [InlineData(ResizeMode.CenterCrop)]
    [InlineData(ResizeMode.KeepRatioLargest)]
    public void Only_if_bigger_leaves_a_small_image_unpadded_and_uncropped(ResizeMode mode)
    {
        byte[] small = TestImages.Jpeg(120, 60, 2);
        var r = new ImageResizer(new ResizeOptions { ImageSize = 256, Mode = mode, OnlyIfBigger = true }).Resize(small);
        Assert.Equal((120, 60), (r.Width, r.Height));
        Assert.Equal((120, 60), TestImages.Size(r.Bytes!));
        // A bigger one is still resized (and padded or cut).
        var big = new ImageResizer(new ResizeOptions { ImageSize = 50, Mode = mode, OnlyIfBigger = true }).Resize(small);
        Assert.Equal(mode == ResizeMode.KeepRatioLargest ? (50, 25) : (50, 50), (big.Width, big.Height));
    }

    [Fact]
    public void Skip_reencode_keeps_the_downloaded_bytes_only_when_nothing_changes()
    {
        byte[] jpeg = TestImages.Jpeg(100, 80, 4);
        var same = new ImageResizer(new ResizeOptions { Mode = ResizeMode.No, SkipReencode = true }).Resize(jpeg);
        Assert.Equal(jpeg, same.Bytes);
        Assert.Equal((100, 80, 100, 80), (same.Width, same.Height, same.OriginalWidth, same.OriginalHeight));
        // Another output format, a resize, or transparency: encoded again.
        Assert.NotEqual(jpeg, new ImageResizer(new ResizeOptions { Mode = ResizeMode.No, SkipReencode = true, Format = EncodeFormat.Png, Quality = 9 }).Resize(jpeg).Bytes);
        Assert.NotEqual(jpeg, new ImageResizer(new ResizeOptions { ImageSize = 50, Mode = ResizeMode.Border, SkipReencode = true }).Resize(jpeg).Bytes);
        byte[] png = TestImages.PngWithTransparentLeft(40, 40, 1);
        Assert.NotEqual(png, new ImageResizer(new ResizeOptions { Mode = ResizeMode.No, SkipReencode = true, Format = EncodeFormat.Png, Quality = 9 }).Resize(png).Bytes);
    }

    [Fact]
    public void Png_quality_is_the_compression_level()
    {
        var fast = new ImageResizer(new ResizeOptions { ImageSize = 256, Format = EncodeFormat.Png, Quality = 0 }).Resize(Photo);
        var small = new ImageResizer(new ResizeOptions { ImageSize = 256, Format = EncodeFormat.Png, Quality = 9 }).Resize(Photo);
        Assert.Equal(ImageFormat.Png, ImageSniffer.Detect(fast.Bytes));
        Assert.True(fast.Bytes!.Length > small.Bytes!.Length * 2, $"level 0: {fast.Bytes.Length} bytes, level 9: {small.Bytes.Length}");
        Assert.Equal(TestImages.Pixel(fast.Bytes, 128, 128), TestImages.Pixel(small.Bytes, 128, 128));
    }

    [Theory]
    [InlineData(800, 0, 0, "image too small")]
    [InlineData(0, 700_000, 0, "image area too large")]
    [InlineData(0, 0, 1.2, "aspect ratio too large")]
    public void Img2dataset_filters_refuse_with_its_messages(int minSize, double maxArea, double maxRatio, string message)
    {
        var options = new ResizeOptions
        {
            MinImageSize = minSize,
            MaxImageArea = maxArea > 0 ? maxArea : double.PositiveInfinity,
            MaxAspectRatio = maxRatio > 0 ? maxRatio : double.PositiveInfinity,
        };
        var r = new ImageResizer(options).Resize(Photo);
        Assert.Equal(message, r.Error);
        Assert.Equal((1024, 768), (r.OriginalWidth, r.OriginalHeight));
        // The same image passes limits it meets.
        Assert.True(new ImageResizer(new ResizeOptions { MinImageSize = 768, MaxImageArea = 1024 * 768, MaxAspectRatio = 1024 / 768.0 }).Resize(Photo).Ok);
    }

    [Fact]
    public void A_jpeg_the_dct_shrinks_to_the_target_is_copied_pixel_for_pixel()
    {
        // 1024x768 -> keep_ratio_largest 256: the codec decodes at 1/4 (256x192), which is the target: no filter runs.
        var r = new ImageResizer(new ResizeOptions { ImageSize = 256, Mode = ResizeMode.KeepRatioLargest, Format = EncodeFormat.Png, Quality = 1 }).Resize(Photo);
        using var codec = SkiaSharp.SKCodec.Create(new MemoryStream(Photo));
        var size = codec.GetScaledDimensions(0.25f);
        Assert.Equal((256, 192), (size.Width, size.Height));
        using var expected = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(size.Width, size.Height, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Premul));
        Assert.Equal(SkiaSharp.SKCodecResult.Success, codec.GetPixels(expected.Info, expected.GetPixels()));
        using var actual = SkiaSharp.SKBitmap.Decode(r.Bytes);
        for (int y = 0; y < 192; y += 7)
        {
            for (int x = 0; x < 256; x += 5)
                Assert.Equal(expected.GetPixel(x, y), actual.GetPixel(x, y));
        }
    }
}
