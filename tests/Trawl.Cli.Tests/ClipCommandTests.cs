using System.Text.Json;
using Trawl.Formats.NumPy;

namespace Trawl.Cli.Tests;

/// <summary>trawl encode and trawl knn --text/--image with the committed tiny CLIP (tests/Trawl.Clip.Tests/Fixtures).</summary>
public sealed class ClipCommandTests
{
    private static string Model => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-clip");
    private static string Image(string name) => Path.Combine(Model, "images", name);

    private static float[] Reference(string text)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Model, "reference.json")));
        return doc.RootElement.GetProperty("texts").EnumerateArray().Single(t => t.GetProperty("text").GetString() == text)
            .GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
    }

    private static double Cosine(float[] a, float[] b) =>
        a.Zip(b).Sum(p => (double)p.First * p.Second) / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));

    [Fact]
    public void Encode_prints_the_text_vector_pytorch_gives()
    {
        var run = CliRun.Of("encode", "--model", Model, "--text", "a photo of a cat").Ok();
        var vector = JsonDocument.Parse(run.Out).RootElement.EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(32, vector.Length);
        Assert.True(Cosine(vector, Reference("a photo of a cat")) >= 0.9999);
    }

    [Fact]
    public void Encode_writes_images_to_npy_and_json_names_the_inputs()
    {
        using var t = new TempFolder();
        string npy = Path.Combine(t.Path, "v.npy");
        CliRun.Of("encode", "--model", Model, "--image", Image("wide.png"), "--image", Image("photo.jpg"), "--out", npy).Ok();
        using (var file = NpyFile.Open(npy))
        {
            Assert.Equal([2L, 32L], file.Shape);
            Assert.Equal(NpyFile.ElementType.Float32, file.Type);
        }
        var json = CliRun.Of("encode", "--model", Model, "--text", "a", "--text", "b", "--json").Ok().Json();
        Assert.Equal(32, json.GetProperty("dimension").GetInt32());
        Assert.Equal("b", json.GetProperty("vectors")[1].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("give --text TEXT or --image FILE", "encode", "--model", "MODEL")]
    [InlineData("give --text TEXT or --image FILE", "encode", "--model", "MODEL", "--text", "a", "--image", "x.png")]
    [InlineData("--model DIR", "encode", "--text", "a")]
    [InlineData("no such model folder", "encode", "--model", "/nonexistent/model", "--text", "a")]
    [InlineData("no such image file", "encode", "--model", "MODEL", "--image", "/nonexistent.png")]
    public void Encode_mistakes_are_user_errors(string message, params string[] args)
    {
        var run = CliRun.Of(args.Select(a => a == "MODEL" ? Model : a).ToArray());
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Err);
    }

    [Fact]
    public void Knn_by_text_and_by_image_finds_the_rows_encoded_from_them()
    {
        using var t = new TempFolder();
        string[] captions = ["a photo of a cat", "a dog running on the beach at sunset", "mountains covered with snow", "a red car"];
        string csv = Path.Combine(t.Path, "pics_0000.csv");
        File.WriteAllText(csv, "url,caption\n" + string.Join("\n", captions.Select((c, i) => $"https://x/{i}.jpg,{c}")) + "\n");
        string textNpy = Path.Combine(t.Path, "text.npy"), imageNpy = Path.Combine(t.Path, "img_0000.npy");
        CliRun.Of("encode", "--model", Model, "--text", captions[0], "--text", captions[1], "--text", captions[2], "--text", captions[3], "--out", textNpy).Ok();
        // The image set: the captions' text vectors, except row 2 which is wide.png's image vector.
        string wideNpy = Path.Combine(t.Path, "wide.npy");
        CliRun.Of("encode", "--model", Model, "--image", Image("wide.png"), "--out", wideNpy).Ok();
        float[] vectors;
        using (var a = NpyFile.Open(textNpy)) vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Bytes(a)).ToArray();
        using (var w = NpyFile.Open(wideNpy)) System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Bytes(w)).CopyTo(vectors.AsSpan(2 * 32));
        NpyFile.Write<float>(imageNpy, vectors, 4, 32);
        string ds = Path.Combine(t.Path, "pics.trawl");
        CliRun.Of("ingest", ds, csv, "--vectors", "image=" + Path.Combine(t.Path, "img_*.npy")).Ok();

        var byText = CliRun.Of("knn", ds, "--model", Model, "--text", "a dog running on the beach at sunset", "--k", "2", "--json").Ok().Json();
        Assert.Equal(1, byText.GetProperty("rows")[0].GetProperty("rowid").GetInt64());
        var byImage = CliRun.Of("knn", ds, "--model", Model, "--image", Image("wide.png"), "--k", "1", "--json").Ok().Json();
        Assert.Equal(2, byImage.GetProperty("rows")[0].GetProperty("rowid").GetInt64());
        var noModel = CliRun.Of("knn", ds, "--text", "a cat");
        Assert.Equal(1, noModel.ExitCode);
        Assert.Contains("--model", noModel.Err);
    }

    private static unsafe ReadOnlySpan<byte> Bytes(NpyFile f) => new((void*)f.DataAddress, checked((int)f.DataLength));
}
