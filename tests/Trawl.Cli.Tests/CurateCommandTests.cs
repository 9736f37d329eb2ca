using System.Text.Json;
using Trawl.Formats.NumPy;
using Trawl.Store.Ingest;

namespace Trawl.Cli.Tests;

/// <summary><c>trawl dedupe</c> and <c>trawl export</c> from the command line: options, reports and exit codes.</summary>
public sealed class CurateCommandTests : IDisposable
{
    private const int Rows = 600, Dim = 16;
    private readonly TempFolder _folder = new();
    private readonly string _dataset;

    public CurateCommandTests()
    {
        // Every third row repeats the previous row's vector and caption exactly.
        var random = new Random(3);
        var vectors = new float[Rows * Dim];
        var lines = new System.Text.StringBuilder("id,caption,score\n");
        for (int r = 0; r < Rows; r++)
        {
            bool copy = r % 3 == 2;
            for (int d = 0; d < Dim; d++) vectors[r * Dim + d] = copy ? vectors[(r - 1) * Dim + d] : (float)(random.NextDouble() * 2 - 1);
            string caption = copy ? $"a photo of thing {r - 1} on a table in the sun" : $"a photo of thing {r} on a table in the sun";
            lines.Append(r).Append(',').Append(caption).Append(',').Append(r % 7).Append('\n');
        }
        string csv = _folder.File("items_0.csv", lines.ToString());
        string npy = _folder.Combine("emb_0.npy");
        NpyFile.Write<float>(npy, vectors, Rows, Dim);
        _dataset = _folder.Combine("ds.trawl");
        DatasetIngest.Run(_dataset, new IngestRequest
        {
            Sources = [csv],
            Table = "items",
            Vectors = new Dictionary<string, IReadOnlyList<string>> { ["emb"] = [npy] },
        });
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Dedupe_reports_clusters_as_json_and_export_writes_the_deduplicated_view()
    {
        JsonElement report = CliRun.Of("dedupe", _dataset, "--vectors", "emb", "--metric", "cosine", "--threshold", "0.999", "--keep", "best:score", "--json").Ok().Json();
        Assert.Equal(Rows / 3, report.GetProperty("clusters").GetInt64());
        Assert.Equal(Rows / 3, report.GetProperty("duplicates").GetInt64());
        Assert.Equal("exact", report.GetProperty("search").GetString());

        string text = CliRun.Of("dedupe", _dataset, "--text", "caption", "--minhash").Ok().Out;
        Assert.Contains("200 clusters", text);

        string outDir = _folder.Combine("out");
        JsonElement export = CliRun.Of("export", _dataset, "--format", "jsonl", "--out", outDir, "--filter", "dup_of__isnull=1", "--part-size", "150", "--json").Ok().Json();
        Assert.Equal(Rows - Rows / 3, export.GetProperty("rows").GetInt64());
        Assert.Equal(3, export.GetProperty("parts").GetInt32());
        Assert.Equal(150, File.ReadLines(Path.Combine(outDir, "part-00000.jsonl")).Count());
    }

    [Fact]
    public void A_killed_export_leaves_no_half_written_part_under_a_final_name_and_a_rerun_with_overwrite_replaces_it()
    {
        string outDir = _folder.Combine("killed");
        using (var cli = PausedCli.Start("export-partial", "export", _dataset, "--format", "parquet", "--out", outDir, "--part-size", "250"))
        {
            // Paused with part 0 complete and part 1 half written under its temporary name.
            cli.WaitUntilPaused("export-partial");
            Assert.True(File.Exists(Path.Combine(outDir, "part-00000.parquet")));
            Assert.True(File.Exists(Path.Combine(outDir, "part-00001.parquet.partial")));
            cli.Kill();
        }
        Assert.False(File.Exists(Path.Combine(outDir, "part-00001.parquet")));
        Assert.Contains("\"complete\":false", File.ReadAllText(Path.Combine(outDir, "trawl-export.json")));

        JsonElement export = CliRun.Of("export", _dataset, "--format", "parquet", "--out", outDir, "--part-size", "250", "--overwrite", "--json").Ok().Json();
        Assert.Equal(Rows, export.GetProperty("rows").GetInt64());
        Assert.Equal(["part-00000.parquet", "part-00001.parquet", "part-00002.parquet", "trawl-export.json"],
            Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("-0.2")]
    public void A_threshold_outside_zero_to_one_is_a_user_error(string threshold)
    {
        var run = CliRun.Of("dedupe", _dataset, "--threshold", threshold);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("threshold", run.Err);
    }

    [Fact]
    public void Export_into_a_non_empty_folder_needs_overwrite_and_bad_options_are_user_errors()
    {
        string outDir = _folder.Combine("full");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "keep.txt"), "x");
        var run = CliRun.Of("export", _dataset, "--out", outDir);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not empty", run.Err);
        Assert.Equal(1, CliRun.Of("export", _dataset, "--out", _folder.Combine("x"), "--format", "xml").ExitCode);
        Assert.Equal(1, CliRun.Of("export", _dataset, "--out", _folder.Combine("y"), "--filter", "score").ExitCode);
        Assert.Equal(1, CliRun.Of("dedupe", _dataset, "--keep", "largest").ExitCode);
        Assert.Equal(1, CliRun.Of("dedupe", _dataset, "--minhash").ExitCode);
        Assert.Contains("--part-size", CliRun.Of("export", "--help").Ok().Out);
        Assert.Contains("best:COLUMN", CliRun.Of("dedupe", "--help").Ok().Out);
    }
}
