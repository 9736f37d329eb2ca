using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Trawl.Clip.Encoders;
using Trawl.Formats.WebDataset;
using Trawl.Vectors.Storage;

namespace Trawl.Cli.Tests;

/// <summary><c>trawl embed</c> with the committed tiny CLIP: the sets hold what <c>encode</c> gives, rows stay aligned,
/// bad images are counted and skipped, and a killed run is resumed without recomputing what it finished.</summary>
public sealed class EmbedCommandTests : IDisposable
{
    private static string Model => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-clip");
    private static string FixtureImage(string name) => Path.Combine(Model, "images", name);
    private readonly TempFolder _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private static float[] Row(string dataset, string set, long row)
    {
        using var file = VectorSetFile.Open(Path.Combine(dataset, "vectors", set));
        var v = new float[file.Matrix.Dimension];
        file.Matrix.CopyRowTo(row, v);
        return v;
    }

    private static long Count(string dataset, string set)
    {
        using var file = VectorSetFile.Open(Path.Combine(dataset, "vectors", set));
        file.VerifyChecksum();
        return file.Header.Count;
    }

    private static double Cosine(float[] a, float[] b) =>
        a.Zip(b).Sum(p => (double)p.First * p.Second) / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));

    private static string Csv(params string?[][] rows)
    {
        var sb = new StringBuilder("caption,path\n");
        foreach (var r in rows)
            sb.Append(string.Join(",", r.Select(v => v is null ? "" : "\"" + v.Replace("\"", "\"\"") + "\""))).Append('\n');
        return sb.ToString();
    }

    private string Dataset(string csv)
    {
        string dataset = _tmp.Combine("d.trawl");
        CliRun.Of("ingest", dataset, _tmp.File("m.csv", csv)).Ok();
        return dataset;
    }

    [Fact]
    public void Text_and_image_sets_hold_what_encode_gives_with_zero_rows_for_missing_values()
    {
        string dataset = Dataset(Csv(["a photo of a cat", FixtureImage("photo.jpg")], [null, FixtureImage("wide.png")], ["a dog on a red sofa", null],
            ["", FixtureImage("anim.gif")]));
        var text = CliRun.Of("embed", dataset, "--model", Model, "--text", "caption", "--type", "f32", "--json").Ok().Json();
        Assert.Equal(4, text.GetProperty("rows").GetInt64());
        Assert.Equal(1, text.GetProperty("missing").GetInt64());
        Assert.Equal(0, text.GetProperty("failed").GetInt64());
        var image = CliRun.Of("embed", dataset, "--model", Model, "--image", "path", "--batch-size", "3", "--json").Ok().Json();
        Assert.Equal("image", image.GetProperty("vectors").GetString());
        Assert.Equal(1, image.GetProperty("missing").GetInt64());

        using var encoder = ClipEncoder.Open(Model);
        var texts = encoder.EncodeTexts(["a photo of a cat", "a dog on a red sofa", ""]);
        Assert.True(Cosine(Row(dataset, "text.f32", 0), texts[..32]) >= 0.99999);
        Assert.True(Row(dataset, "text.f32", 1).All(x => x == 0));
        Assert.True(Cosine(Row(dataset, "text.f32", 2), texts[32..64]) >= 0.99999);
        Assert.True(Cosine(Row(dataset, "text.f32", 3), texts[64..]) >= 0.99999);
        var images = encoder.EncodeImageFiles([FixtureImage("photo.jpg"), FixtureImage("wide.png"), FixtureImage("anim.gif")]);
        Assert.True(Cosine(Row(dataset, "image.f16", 0), images[..32]) >= 0.9999);
        Assert.True(Cosine(Row(dataset, "image.f16", 1), images[32..64]) >= 0.9999);
        Assert.True(Row(dataset, "image.f16", 2).All(x => x == 0));
        Assert.True(Cosine(Row(dataset, "image.f16", 3), images[64..]) >= 0.9999);

        // The image set answers a text query by meaning, through knn --text.
        var knn = CliRun.Of("knn", dataset, "--model", Model, "--text", "a photo of a cat", "--vectors", "image", "--k", "2", "--json").Ok().Json();
        Assert.Equal(2, knn.GetProperty("rows").GetArrayLength());

        // A second run finds the set complete and computes nothing.
        var again = CliRun.Of("embed", dataset, "--model", Model, "--text", "caption", "--json").Ok().Json();
        Assert.True(again.GetProperty("already_complete").GetBoolean());
        Assert.Equal(0, again.GetProperty("encoded").GetInt64());
    }

    [Fact]
    public void Unreadable_images_are_counted_and_listed_and_the_good_rows_still_embedded()
    {
        byte[] jpeg = File.ReadAllBytes(FixtureImage("photo.jpg"));
        string truncated = _tmp.Combine("truncated.jpg");
        File.WriteAllBytes(truncated, jpeg[..(jpeg.Length / 2)]);
        string empty = _tmp.Combine("empty.png");
        File.WriteAllBytes(empty, []);
        string garbage = _tmp.Combine("garbage.png");
        File.WriteAllText(garbage, "<html>not an image</html>");
        string lying = _tmp.Combine("lying.jpg");
        File.Copy(FixtureImage("small.png"), lying);
        string bomb = _tmp.Combine("bomb.png");
        File.WriteAllBytes(bomb, PngHeader(100_000, 100_000));
        string dataset = Dataset(Csv(["ok", FixtureImage("photo.jpg")], ["t", truncated], ["e", empty], ["g", garbage], ["l", lying], ["b", bomb],
            ["u", "https://example.com/cat.jpg"], ["m", _tmp.Combine("missing.png")], ["relative", "rel/small.png"]));
        Directory.CreateDirectory(_tmp.Combine("root/rel"));
        File.Copy(FixtureImage("small.png"), _tmp.Combine("root/rel/small.png"));

        var run = CliRun.Of("embed", dataset, "--model", Model, "--image", "path", "--image-root", _tmp.Combine("root"), "--json").Ok();
        var r = run.Json();
        Assert.Equal(9, r.GetProperty("rows").GetInt64());
        Assert.Equal(7, r.GetProperty("failed").GetInt64());
        var reasons = r.GetProperty("failures").EnumerateArray().ToDictionary(f => f.GetProperty("rowid").GetInt64(), f => f.GetProperty("error").GetString()!);
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], reasons.Keys.Order().ToArray());
        Assert.Contains("truncated", reasons[1]);
        Assert.Contains("empty", reasons[2]);
        Assert.Contains("not a JPEG, PNG, WebP or GIF", reasons[3]);
        Assert.Contains("the name says Jpeg but the bytes are a Png", reasons[4]);
        Assert.Contains("decompression bomb", reasons[5]);
        Assert.Contains("is a URL", reasons[6]);
        Assert.Contains("no such image file", reasons[7]);
        Assert.All(reasons, kv => Assert.StartsWith($"row {kv.Key}:", kv.Value));
        using (var encoder = ClipEncoder.Open(Model))
        {
            var expected = encoder.EncodeImageFiles([FixtureImage("photo.jpg"), FixtureImage("small.png")]);
            Assert.True(Cosine(Row(dataset, "image.f16", 0), expected[..32]) >= 0.9999);
            Assert.True(Cosine(Row(dataset, "image.f16", 8), expected[32..]) >= 0.9999);
        }
        foreach (long row in reasons.Keys)
            Assert.True(Row(dataset, "image.f16", row).All(x => x == 0));

        // The text report names them on stderr and still exits 0.
        var text = CliRun.Of("embed", dataset, "--model", Model, "--image", "path", "--vectors", "again", "--image-root", _tmp.Combine("root")).Ok();
        Assert.Contains("7 failed", text.Out);
        Assert.True(text.Err.Contains("row 5:", StringComparison.Ordinal), text.Err);
    }

    [Fact]
    public void Images_inside_webdataset_shards_are_embedded_from_their_ranges()
    {
        string shard = _tmp.Combine("00000.tar");
        using (var tar = new TarShardWriter(File.Create(shard)))
        {
            tar.Write("000000000.jpg", File.ReadAllBytes(FixtureImage("photo.jpg")));
            tar.Write("000000000.txt", "a photo"u8);
            tar.Write("000000001.png", File.ReadAllBytes(FixtureImage("tall.png")));
            tar.Write("000000001.txt", "a tall one"u8);
        }
        string dataset = _tmp.Combine("shots.trawl");
        CliRun.Of("ingest", dataset, shard, "--table", "images").Ok();
        var r = CliRun.Of("embed", dataset, "--model", Model, "--image", WebDatasetColumns.ImageShard, "--json").Ok().Json();
        Assert.Equal(2, r.GetProperty("rows").GetInt64());
        Assert.Equal(0, r.GetProperty("failed").GetInt64());
        using var encoder = ClipEncoder.Open(Model);
        var expected = encoder.EncodeImageFiles([FixtureImage("photo.jpg"), FixtureImage("tall.png")]);
        Assert.True(Cosine(Row(dataset, "image.f16", 0), expected[..32]) >= 0.9999);
        Assert.True(Cosine(Row(dataset, "image.f16", 1), expected[32..]) >= 0.9999);
    }

    [Fact]
    public void A_killed_run_is_resumed_without_recomputing_its_finished_batches()
    {
        var captions = Enumerable.Range(0, 40).Select(i => new[] { $"caption number {i} about a cat", (string?)null }).ToArray();
        string csv = Csv(captions);
        string dataset = Dataset(csv);
        string clean = _tmp.Combine("clean.trawl");
        CliRun.Of("ingest", clean, _tmp.Combine("m.csv")).Ok();
        CliRun.Of("embed", clean, "--model", Model, "--text", "caption", "--type", "f32", "--batch-size", "4").Ok();

        using (var child = PausedCli.Start("embed-batch", "embed", dataset, "--model", Model, "--text", "caption", "--type", "f32", "--batch-size", "4"))
        {
            child.WaitUntilPaused("embed-batch");
            child.Kill();
        }
        // Killed after its first batch: no set yet, the work is on disk.
        Assert.False(File.Exists(Path.Combine(dataset, "vectors", "text.f32")));
        string work = Path.Combine(dataset, "embedding-work", "text");
        Assert.True(File.Exists(Path.Combine(work, "state.json")));
        // As if the kill had come in the middle of the next batch: rows and a failure past the state on disk.
        using (var f = new FileStream(Path.Combine(work, "vectors.f32"), FileMode.Append))
            f.Write(new byte[32 * 4 * 3 + 7]);
        File.AppendAllText(Path.Combine(work, "failures.jsonl"), "{\"Rowid\":5,\"Reason\":\"stray\"}\n{\"Rowid\":6,");

        // Other options do not pick up this work.
        var mismatch = CliRun.Of("embed", dataset, "--model", Model, "--text", "path", "--vectors", "text");
        Assert.Equal(1, mismatch.ExitCode);
        Assert.Contains("--restart", mismatch.Err);

        var r = CliRun.Of("embed", dataset, "--model", Model, "--text", "caption", "--type", "f32", "--batch-size", "4", "--json").Ok().Json();
        Assert.Equal(4, r.GetProperty("resumed").GetInt64());
        Assert.Equal(36, r.GetProperty("encoded").GetInt64());
        Assert.Equal(0, r.GetProperty("failed").GetInt64());
        Assert.False(Directory.Exists(Path.Combine(dataset, "embedding-work")));
        Assert.Equal(40, Count(dataset, "text.f32"));
        for (long row = 0; row < 40; row++)
        {
            var got = Row(dataset, "text.f32", row);
            var want = Row(clean, "text.f32", row);
            Assert.True(got.Zip(want).All(p => Math.Abs(p.First - p.Second) < 1e-5), $"row {row} differs from a clean run");
        }
    }

    [Theory]
    [InlineData("give --text COLUMN or --image COLUMN", "embed", "DATASET", "--model", "MODEL")]
    [InlineData("give --text COLUMN or --image COLUMN", "embed", "DATASET", "--model", "MODEL", "--text", "caption", "--image", "path")]
    [InlineData("no column 'nope'", "embed", "DATASET", "--model", "MODEL", "--text", "nope")]
    [InlineData("--model DIR", "embed", "DATASET", "--text", "caption")]
    [InlineData("no such dataset", "embed", "/nonexistent/x.trawl", "--model", "MODEL", "--text", "caption")]
    [InlineData("--batch-size must be between 1 and 4096", "embed", "DATASET", "--model", "MODEL", "--text", "caption", "--batch-size", "5000")]
    [InlineData("vector set name", "embed", "DATASET", "--model", "MODEL", "--text", "caption", "--vectors", "../x")]
    public void Mistakes_are_user_errors(string message, params string[] args)
    {
        string dataset = Dataset(Csv(["a", "b.png"]));
        var run = CliRun.Of(args.Select(a => a switch { "MODEL" => Model, "DATASET" => dataset, _ => a }).ToArray());
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Err);
    }

    /// <summary>A valid PNG header declaring the size, then a tiny IDAT: a decompression bomb's shape.</summary>
    private static byte[] PngHeader(int width, int height)
    {
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", [0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream s, string type, byte[] data)
    {
        var head = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        s.Write(head);
        byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(head, Crc32(typed));
        s.Write(head);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }
}
