using System.Runtime.InteropServices;
using System.Text.Json;
using Trawl.Formats.NumPy;
using Trawl.Store.Ingest;

namespace Trawl.Cli.Tests;

/// <summary><c>trawl knn</c> through indexes built with <c>trawl index</c>.</summary>
public sealed class IndexKnnTests : IDisposable
{
    private const int Rows = 4000, Dim = 16;
    private readonly TempFolder _folder = new();
    private readonly string _dataset;

    public IndexKnnTests()
    {
        _dataset = _folder.Combine("ds.trawl");
        Ingest(0, Rows, IngestMode.Create);
    }

    public void Dispose() => _folder.Dispose();

    private void Ingest(int first, int count, IngestMode mode)
    {
        var lines = new System.Text.StringBuilder("id,caption\n");
        for (int i = 0; i < count; i++) lines.Append(first + i).Append(",caption ").Append(first + i).Append('\n');
        string csv = _folder.File($"items_{first}.csv", lines.ToString());
        string npy = _folder.Combine($"emb_{first}.npy");
        NpyFile.Write<float>(npy, Vectors(count, Dim, seed: first + 1), count, Dim);
        DatasetIngest.Run(_dataset, new IngestRequest
        {
            Sources = [csv],
            Table = "items",
            Vectors = new Dictionary<string, IReadOnlyList<string>> { ["emb"] = [npy] },
            Mode = mode,
        });
    }

    private static float[] Vectors(int rows, int dim, int seed)
    {
        var rng = new Random(seed);
        var data = new float[rows * dim];
        for (int r = 0; r < rows; r++)
        {
            int c = rng.Next(20);
            double norm = 0;
            for (int d = 0; d < dim; d++)
            {
                float v = (float)Math.Sin(c * 7.1 + d * 1.3) + (float)(rng.NextDouble() - 0.5) * 0.6f;
                data[r * dim + d] = v;
                norm += v * v;
            }
            for (int d = 0; d < dim; d++) data[r * dim + d] /= (float)Math.Sqrt(norm);
        }
        return data;
    }

    private static int[] ReadInts(string path)
    {
        using var npy = NpyFile.Open(path);
        Assert.Equal(NpyFile.ElementType.Int32, npy.Type);
        var all = new int[npy.ElementCount];
        for (int r = 0; r < npy.Rows; r++)
            MemoryMarshal.Cast<byte, int>(npy.RowBytes(r)).CopyTo(all.AsSpan(r * (int)npy.Columns));
        return all;
    }

    [Fact]
    public void Knn_answers_through_the_sets_index_unless_exact_is_asked()
    {
        CliRun.Of("index", _dataset, "--index", "HNSW16", "--recall-queries", "0").Ok();
        JsonElement indexed = CliRun.Of("knn", _dataset, "--row", "3", "--k", "5", "--ef", "100", "--json").Ok().Json();
        Assert.Equal("HNSW16", indexed.GetProperty("index").GetString());
        JsonElement exact = CliRun.Of("knn", _dataset, "--row", "3", "--k", "5", "--exact", "--json").Ok().Json();
        Assert.Equal(JsonValueKind.Null, exact.GetProperty("index").ValueKind);
        var a = indexed.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("rowid").GetInt64()).ToList();
        var b = exact.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("rowid").GetInt64()).ToList();
        Assert.True(a.Intersect(b).Count() >= 4, $"index {string.Join(",", a)} exact {string.Join(",", b)}");
    }

    [Fact]
    public void Knn_filter_strategy_is_forced_by_option_and_reported_in_json()
    {
        CliRun.Of("index", _dataset, "--index", "HNSW16", "--recall-queries", "0").Ok();
        // 1 row in 100: the auto plan scans the 40 allowed rows exactly; walk is forced with its beam widened ×4.
        JsonElement auto = CliRun.Of("knn", _dataset, "--row", "3", "--k", "5", "--where", "id % 100 = 0", "--json").Ok().Json();
        JsonElement plan = auto.GetProperty("filter_plan");
        Assert.Equal("exact", plan.GetProperty("strategy").GetString());
        Assert.Equal(Rows / 100, plan.GetProperty("allowed").GetInt64());
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("ef").ValueKind);
        JsonElement walk = CliRun.Of("knn", _dataset, "--row", "3", "--k", "5", "--where", "id % 100 = 0", "--filter-strategy", "walk", "--json").Ok().Json();
        Assert.Equal("walk", walk.GetProperty("filter_plan").GetProperty("strategy").GetString());
        Assert.Equal(256, walk.GetProperty("filter_plan").GetProperty("ef").GetInt32());
        Assert.All(walk.GetProperty("rows").EnumerateArray(), r => Assert.Equal(0, r.GetProperty("rowid").GetInt64() % 100));
        Assert.Equal(5, walk.GetProperty("rows").GetArrayLength());
        JsonElement exact = CliRun.Of("knn", _dataset, "--row", "3", "--k", "5", "--exact", "--json").Ok().Json();
        Assert.Equal(JsonValueKind.Null, exact.GetProperty("filter_plan").ValueKind);

        CliRun bad = CliRun.Of("knn", _dataset, "--row", "3", "--filter-strategy", "sideways");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--filter-strategy must be auto, walk or exact", bad.Err);
    }

    [Fact]
    public void Knn_passes_nprobe_and_refine_to_an_ivf_pq_index()
    {
        CliRun.Of("index", _dataset, "--index", "IVF8,PQ4,Refine", "--recall-queries", "0").Ok();
        JsonElement exact = CliRun.Of("knn", _dataset, "--row", "3", "--k", "10", "--exact", "--json").Ok().Json();
        JsonElement wide = CliRun.Of("knn", _dataset, "--row", "3", "--k", "10", "--nprobe", "8", "--refine", "100", "--json").Ok().Json();
        Assert.Equal("IVF8,PQ4,Refine", wide.GetProperty("index").GetString());
        // All 8 lists and 1,000 candidates re-ranked exactly: the exact answer.
        Assert.Equal(exact.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("rowid").GetInt64()),
            wide.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("rowid").GetInt64()));
        CliRun bad = CliRun.Of("knn", _dataset, "--row", "3", "--refine", "0");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--refine", bad.Err);
    }

    [Fact]
    public void Knn_warns_about_a_stale_index_and_searches_exactly()
    {
        CliRun.Of("index", _dataset, "--index", "HNSW8", "--recall-queries", "0").Ok();
        Ingest(Rows, 20, IngestMode.Append);
        CliRun run = CliRun.Of("knn", _dataset, "--row", "4010", "--json").Ok();
        Assert.Contains("stale", run.Err);
        Assert.Contains("trawl index", run.Err);
        Assert.Equal(JsonValueKind.Null, run.Json().GetProperty("index").ValueKind);
        Assert.Contains("stale: rebuild", CliRun.Of("index", _dataset).Ok().Out);
    }

    [Fact]
    public void Bare_npy_index_then_knn_with_index_file_round_trips()
    {
        string base_ = _folder.Combine("base.npy"), queries = _folder.Combine("q.npy");
        NpyFile.Write<float>(base_, Vectors(3000, Dim, seed: 5), 3000, Dim);
        NpyFile.Write<float>(queries, Vectors(50, Dim, seed: 6), 50, Dim);
        string index = _folder.Combine("base.hnsw");
        CliRun.Of("index", "--base", base_, "--index", "HNSW16", "--out", index, "--recall-queries", "0").Ok();
        string knns = _folder.Combine("knns.npy"), truth = _folder.Combine("exact.npy");
        CliRun.Of("knn", "--base", base_, "--index-file", index, "--queries", queries, "--k", "10", "--ef", "64", "--out", knns).Ok();
        CliRun.Of("knn", "--base", base_, "--queries", queries, "--k", "10", "--out", truth).Ok();
        int[] found = ReadInts(knns), exact = ReadInts(truth);
        Assert.Equal(500, found.Length);
        int hits = 0;
        for (int q = 0; q < 50; q++)
            hits += found.Skip(q * 10).Take(10).Intersect(exact.Skip(q * 10).Take(10)).Count();
        Assert.True(hits >= 450, $"recall {hits / 500.0}");

        // The exact scan reads the base once for the batch and says how fast; through an index nothing is streamed.
        JsonElement scan = CliRun.Of("knn", "--base", base_, "--queries", queries, "--k", "10", "--json").Ok().Json();
        Assert.Equal(3000L * Dim * 4, scan.GetProperty("streamed_bytes").GetInt64());
        Assert.True(scan.GetProperty("gb_per_s").GetDouble() > 0);
        JsonElement walked = CliRun.Of("knn", "--base", base_, "--index-file", index, "--queries", queries, "--k", "10", "--json").Ok().Json();
        Assert.False(walked.TryGetProperty("streamed_bytes", out _));
    }

    [Fact]
    public void Index_file_over_another_base_is_refused()
    {
        string base_ = _folder.Combine("base.npy"), other = _folder.Combine("other.npy"), queries = _folder.Combine("q.npy");
        NpyFile.Write<float>(base_, Vectors(500, Dim, seed: 5), 500, Dim);
        NpyFile.Write<float>(other, Vectors(500, Dim, seed: 7), 500, Dim);
        NpyFile.Write<float>(queries, Vectors(5, Dim, seed: 6), 5, Dim);
        string index = _folder.Combine("base.hnsw");
        CliRun.Of("index", "--base", base_, "--index", "HNSW8", "--out", index, "--recall-queries", "0").Ok();
        CliRun run = CliRun.Of("knn", "--base", other, "--index-file", index, "--queries", queries, "--out", _folder.Combine("o.npy"));
        Assert.Equal(CliExitCode.UserError, run.ExitCode);
        Assert.Contains("other vectors", run.Err);
    }

    [Fact]
    public void Index_file_needs_base()
    {
        CliRun run = CliRun.Of("knn", _dataset, "--row", "1", "--index-file", "x.hnsw");
        Assert.Equal(CliExitCode.UserError, run.ExitCode);
        Assert.Contains("--index-file goes with --base", run.Err);
    }
}
