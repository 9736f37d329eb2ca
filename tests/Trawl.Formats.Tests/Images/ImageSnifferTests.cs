using Trawl.Formats.Images;

namespace Trawl.Formats.Tests.Images;

public sealed class ImageSnifferTests
{
    public static TheoryData<byte[], ImageFormat> Heads => new()
    {
        { [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], ImageFormat.Jpeg },
        { [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], ImageFormat.Png },
        { "GIF89a\x01\0\x01\0"u8.ToArray(), ImageFormat.Gif },
        { "RIFF\x10\0\0\0WEBPVP8 "u8.ToArray(), ImageFormat.WebP },
        { "BM\0\0\0\0\0\0\0\0\0\0\0\0"u8.ToArray(), ImageFormat.Bmp },
        { [0, 0, 0, 0x1C, .. "ftypavif"u8.ToArray(), 0, 0], ImageFormat.Avif },
        { "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray(), ImageFormat.Unknown },
        { "<html><script>alert(1)</script>"u8.ToArray(), ImageFormat.Unknown },
        { [0xFF, 0xD8], ImageFormat.Unknown },
        { [], ImageFormat.Unknown },
    };

    [Theory]
    [MemberData(nameof(Heads))]
    public void Types_come_from_magic_bytes(byte[] head, ImageFormat expected) => Assert.Equal(expected, ImageSniffer.Detect(head));

    [Fact]
    public void Every_known_type_has_an_image_mime_type_and_unknown_has_none()
    {
        foreach (var f in Enum.GetValues<ImageFormat>())
            Assert.Equal(f != ImageFormat.Unknown, ImageSniffer.MimeType(f)?.StartsWith("image/", StringComparison.Ordinal) == true);
    }
}
