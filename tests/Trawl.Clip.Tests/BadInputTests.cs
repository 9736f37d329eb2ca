using System.Buffers.Binary;
using Trawl.Clip.Encoders;
using Trawl.Clip.Images;
using Trawl.Formats.Tables;

namespace Trawl.Clip.Tests;

public class BadInputTests
{
    [Fact]
    public void A_missing_model_folder_is_named()
    {
        var e = Assert.Throws<DataFormatException>(() => ClipEncoder.Open("/nonexistent/clip-model"));
        Assert.Contains("/nonexistent/clip-model", e.Message);
    }

    [Fact]
    public void A_folder_without_onnx_files_says_what_is_expected()
    {
        using var t = new TempFolder();
        var e = Assert.Throws<DataFormatException>(() => ClipEncoder.Open(t.Path));
        Assert.Contains("text_model.onnx", e.Message);
    }

    [Fact]
    public void A_text_model_without_a_tokenizer_is_refused()
    {
        using var t = TinyClip.Copy();
        File.Delete(t.File("vocab.json"));
        File.Delete(t.File("merges.txt"));
        var e = Assert.Throws<DataFormatException>(() => ClipEncoder.Open(t.Path));
        Assert.Contains("tokenizer", e.Message);
    }

    [Fact]
    public void Vocab_without_merges_names_the_missing_file()
    {
        using var t = TinyClip.Copy();
        File.Delete(t.File("merges.txt"));
        var e = Assert.Throws<DataFormatException>(() => ClipEncoder.Open(t.Path));
        Assert.Contains("merges.txt", e.Message);
    }

    [Fact]
    public void A_corrupt_onnx_file_is_a_clear_error_naming_it()
    {
        using var t = TinyClip.Copy();
        var bytes = File.ReadAllBytes(t.File("text_model.onnx"));
        File.WriteAllBytes(t.File("text_model.onnx"), bytes[..(bytes.Length / 3)]);
        var e = Assert.Throws<DataFormatException>(() => ClipEncoder.Open(t.Path));
        Assert.Contains("text_model.onnx", e.Message);
    }

    [Fact]
    public void A_vision_model_in_the_text_models_place_is_refused_by_its_inputs()
    {
        using var t = TinyClip.Copy();
        File.Copy(t.File("vision_model.onnx"), t.File("text_model.onnx"), overwrite: true);
        var e = Assert.Throws<DataFormatException>(() => ClipEncoder.Open(t.Path));
        Assert.Contains("text_model.onnx", e.Message);
        Assert.Contains("input_ids", e.Message);
        Assert.Contains("pixel_values", e.Message);
    }

    [Fact]
    public void A_crop_size_the_vision_model_does_not_take_is_refused()
    {
        using var t = TinyClip.Copy();
        string cfg = File.ReadAllText(t.File("preprocessor_config.json")).Replace("\"height\": 224", "\"height\": 336").Replace("\"shortest_edge\": 224", "\"shortest_edge\": 336");
        File.WriteAllText(t.File("preprocessor_config.json"), cfg);
        var e = Assert.Throws<DataFormatException>(() => ClipEncoder.Open(t.Path));
        Assert.Contains("vision_model.onnx", e.Message);
        Assert.Contains("336", e.Message);
    }

    [Fact]
    public void A_text_only_folder_encodes_text_and_refuses_images()
    {
        using var t = TinyClip.Copy();
        File.Delete(t.File("vision_model.onnx"));
        using var enc = ClipEncoder.Open(t.Path);
        Assert.True(enc.CanEncodeText);
        Assert.False(enc.CanEncodeImages);
        Assert.Equal(32, enc.EncodeTexts(["a cat"]).Length);
        var e = Assert.Throws<DataFormatException>(() => enc.EncodeImageFiles([TinyClip.Image("wide.png")]));
        Assert.Contains("vision", e.Message);
    }

    [Fact]
    public void An_empty_image_is_refused()
    {
        var e = Assert.Throws<DataFormatException>(() => ClipImageDecoder.Decode([], "upload"));
        Assert.Contains("empty", e.Message);
    }

    [Theory]
    [InlineData("wide.png")]
    [InlineData("photo.jpg")]
    [InlineData("progressive.jpg")]
    [InlineData("lossless.webp")]
    [InlineData("anim.gif")]
    public void A_truncated_image_is_refused_naming_it(string file)
    {
        var bytes = File.ReadAllBytes(TinyClip.Image(file));
        // A quarter of the file: inside the first (decoded) frame of the GIF too.
        foreach (int keep in new[] { 12, 40, bytes.Length / 4, bytes.Length / 2 })
        {
            var e = Assert.Throws<DataFormatException>(() => ClipImageDecoder.Decode(bytes.AsSpan(0, keep), "cut-" + file));
            Assert.Contains("cut-" + file, e.Message);
        }
    }

    [Fact]
    public void Text_and_unsupported_formats_are_refused()
    {
        var e = Assert.Throws<DataFormatException>(() => ClipImageDecoder.Decode("<html>not an image</html>"u8, "page.png"));
        Assert.Contains("not a JPEG, PNG, WebP or GIF", e.Message);
        // A BMP decodes in Skia but is not one of the formats CLIP inputs are taken in.
        var bmp = new byte[58];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        e = Assert.Throws<DataFormatException>(() => ClipImageDecoder.Decode(bmp, "x.bmp"));
        Assert.Contains("x.bmp", e.Message);
    }

    [Fact]
    public void An_image_whose_name_lies_about_its_type_is_refused()
    {
        using var t = new TempFolder();
        File.Copy(TinyClip.Image("photo.jpg"), t.File("photo.png"));
        var e = Assert.Throws<DataFormatException>(() => ClipImageDecoder.DecodeFile(t.File("photo.png")));
        Assert.Contains("the name says Png but the bytes are a Jpeg image", e.Message);
    }

    [Fact]
    public void A_decompression_bomb_is_refused_from_its_header()
    {
        // A valid PNG header for 100,000 × 100,000 pixels followed by a tiny IDAT: refused before any pixel is decoded.
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, 100_000);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), 100_000);
        ihdr[8] = 8; ihdr[9] = 2;
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", [0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        WriteChunk(png, "IEND", []);
        long before = GC.GetTotalAllocatedBytes(true);
        var e = Assert.Throws<DataFormatException>(() => ClipImageDecoder.Decode(png.ToArray(), "bomb.png"));
        Assert.Contains("decompression bomb", e.Message);
        Assert.True(GC.GetTotalAllocatedBytes(true) - before < 16 << 20);
        var small = new ImageLimits { MaxPixels = 1000 };
        e = Assert.Throws<DataFormatException>(() => ClipImageDecoder.DecodeFile(TinyClip.Image("wide.png"), small));
        Assert.Contains("320×200", e.Message);
    }

    [Fact]
    public void Exif_orientation_turns_the_image_upright()
    {
        var img = new RgbImage(3, 2, [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6]);
        var r = ImageOrientation.Apply(img, SkiaSharp.SKEncodedOrigin.RightTop); // rotate 90° clockwise to view
        Assert.Equal(2, r.Width);
        Assert.Equal(3, r.Height);
        Assert.Equal(new byte[] { 4, 1, 5, 2, 6, 3 }, r.Pixels.Where((_, i) => i % 3 == 0).ToArray());
        var flipped = ImageOrientation.Apply(img, SkiaSharp.SKEncodedOrigin.TopRight);
        Assert.Equal(new byte[] { 3, 2, 1, 6, 5, 4 }, flipped.Pixels.Where((_, i) => i % 3 == 0).ToArray());
    }

    private static uint Crc32(byte[] data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }

    private static void WriteChunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        s.Write(crc);
    }
}
