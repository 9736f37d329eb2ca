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

    [SkippableTheory]
    [InlineData("wide")]
    [InlineData("tall")]
    [InlineData("small")]
    public void Resize_and_crop_give_pillows_bytes(string name)
    {
        var expected = PillowResizeAndCrop(TinyClip.Image(name + ".png"));
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
    /// <summary>The 224 × 224 RGB bytes that the reference implementation's Pillow resize and centre crop give
    /// (clip_reference.resize_and_crop, run by Debian's python3), computed here rather than kept as data files.</summary>
    private static byte[] PillowResizeAndCrop(string image)
    {
        string python = Trawl.Testing.Requirements.DebianPython("numpy", "regex", "torch", "PIL");
        string output = Path.Combine(Path.GetTempPath(), "trawl-pillow-" + Guid.NewGuid().ToString("N") + ".rgb");
        const string script = "import sys; sys.path.insert(0, sys.argv[1]); from clip_reference import resize_and_crop; from PIL import Image; "
            + "open(sys.argv[3], 'wb').write(resize_and_crop(Image.open(sys.argv[2]), 224).tobytes())";
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string arg in new[] { "-c", script, Path.Combine(AppContext.BaseDirectory, "Fixtures"), image, output })
                start.ArgumentList.Add(arg);
            using var process = System.Diagnostics.Process.Start(start)!;
            string errors = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(120_000), "python did not finish in 2 minutes");
            Assert.True(process.ExitCode == 0, "python failed: " + errors);
            return File.ReadAllBytes(output);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
