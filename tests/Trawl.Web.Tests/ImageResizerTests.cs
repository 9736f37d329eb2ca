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
}
