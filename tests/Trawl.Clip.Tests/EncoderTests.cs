using Trawl.Clip.Encoders;
using Trawl.Clip.Images;

namespace Trawl.Clip.Tests;

public class EncoderTests
{
    private static readonly Lazy<ClipEncoder> Encoder = new(() => ClipEncoder.Open(TinyClip.Folder, new ClipEncoderOptions { Threads = 1, BatchSize = 3 }));

    [Fact]
    public void Text_embeddings_match_pytorch()
    {
        var cases = TinyClip.Reference.GetProperty("texts").EnumerateArray().ToList();
        var texts = cases.Select(c => c.GetProperty("text").GetString()!).ToList();
        var got = Encoder.Value.EncodeTexts(texts);
        int d = Encoder.Value.Dimension;
        Assert.Equal(32, d);
        for (int i = 0; i < cases.Count; i++)
        {
            double cos = TinyClip.Cosine(got.AsSpan(i * d, d), TinyClip.Floats(cases[i].GetProperty("embedding")));
            Assert.True(cos >= 0.9999, $"'{texts[i]}': cosine {cos}");
            Assert.Equal(1.0, Math.Sqrt(got.AsSpan(i * d, d).ToArray().Sum(x => (double)x * x)), 4);
        }
    }

    [Theory]
    [InlineData("wide.png", 0.9999)]
    [InlineData("tall.png", 0.9999)]
    [InlineData("small.png", 0.9999)]
    [InlineData("square.png", 0.9999)]
    [InlineData("alpha.png", 0.9999)]
    [InlineData("lossless.webp", 0.9999)]
    [InlineData("anim.gif", 0.9999)]
    // JPEG decoders may differ by a level here and there (libjpeg-turbo in Pillow and in Skia, different IDCT/upsampling).
    [InlineData("photo.jpg", 0.999)]
    [InlineData("progressive.jpg", 0.999)]
    public void Image_embeddings_match_pytorch(string file, double minCosine)
    {
        var expected = TinyClip.Reference.GetProperty("images").EnumerateArray().Single(e => e.GetProperty("file").GetString() == file);
        var got = Encoder.Value.EncodeImageFiles([TinyClip.Image(file)]);
        double cos = TinyClip.Cosine(got, TinyClip.Floats(expected.GetProperty("embedding")));
        Assert.True(cos >= minCosine, $"{file}: cosine {cos}");
    }

    [Theory]
    [InlineData("wide")]
    [InlineData("tall")]
    [InlineData("small")]
    public void Resize_and_crop_give_pillows_bytes(string name)
    {
        var expected = ReadNpyBytes(TinyClip.Image(name + ".rgb.npy"));
        var image = ClipImageDecoder.DecodeFile(TinyClip.Image(name + ".png"));
        var got = new ClipImagePreprocessor().ResizeAndCrop(image);
        Assert.Equal(224, got.Width);
        Assert.Equal(224, got.Height);
        Assert.Equal(expected.Length, got.Pixels.Length);
        int off = 0;
        for (int i = 0; i < expected.Length; i++) if (expected[i] != got.Pixels[i]) off++;
        Assert.Equal(0, off);
    }

    [Fact]
    public void Batches_and_threads_give_the_same_vectors_as_one_at_a_time()
    {
        var files = new[] { "wide.png", "tall.png", "small.png", "square.png", "alpha.png" }.Select(TinyClip.Image).ToList();
        using var wide = ClipEncoder.Open(TinyClip.Folder, new ClipEncoderOptions { Threads = 2, BatchSize = 4 });
        var all = wide.EncodeImageFiles(files);
        int d = wide.Dimension;
        for (int i = 0; i < files.Count; i++)
        {
            var one = Encoder.Value.EncodeImageFiles([files[i]]);
            Assert.True(TinyClip.Cosine(one, all.AsSpan(i * d, d)) > 0.99999);
        }
    }

    /// <summary>A uint8 .npy (as numpy.save writes it) as its raw bytes.</summary>
    private static byte[] ReadNpyBytes(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int headerLen = bytes[8] | (bytes[9] << 8);
        return bytes[(10 + headerLen)..];
    }
}
