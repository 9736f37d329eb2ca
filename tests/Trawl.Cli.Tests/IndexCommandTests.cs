using System.Text.Json;
using Trawl.Formats.NumPy;
using Trawl.Store.Ingest;

namespace Trawl.Cli.Tests;

public sealed class IndexCommandTests : IDisposable
{
    private const int Rows = 5000, Dim = 16;
    private readonly TempFolder _folder = new();
    private readonly string _dataset;

    public IndexCommandTests()
    {
        var lines = new System.Text.StringBuilder("id,caption\n");
        for (int i = 0; i < Rows; i++) lines.Append(i).Append(",caption ").Append(i).Append('\n');
        string csv = _folder.File("items_0.csv", lines.ToString());
        string npy = _folder.Combine("emb_0.npy");
        NpyFile.Write<float>(npy, Vectors(Rows, Dim, seed: 1), Rows, Dim);
        _dataset = _folder.Combine("ds.trawl");
        DatasetIngest.Run(_dataset, new IngestRequest
        {
            Sources = [csv],
            Table = "items",
            Vectors = new Dictionary<string, IReadOnlyList<string>> { ["emb"] = [npy] },
        });
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>Seeded clustered unit vectors.</summary>
    private static float[] Vectors(int rows, int dim, int seed)
    {
        var rng = new Random(seed);
        var centres = new float[32 * dim];
        for (int i = 0; i < centres.Length; i++) centres[i] = (float)(rng.NextDouble() * 2 - 1);
        var data = new float[rows * dim];
        for (int r = 0; r < rows; r++)
        {
            int c = rng.Next(32);
            double norm = 0;
            for (int d = 0; d < dim; d++)
            {
                float v = centres[c * dim + d] + (float)(rng.NextDouble() - 0.5) * 0.5f;
                data[r * dim + d] = v;
                norm += v * v;
            }
            for (int d = 0; d < dim; d++) data[r * dim + d] /= (float)Math.Sqrt(norm);
        }
        return data;
    }

    [Fact]
    public void Index_builds_the_vector_sets_index_and_reports_size_and_recall_as_json()
    {
        JsonElement j = CliRun.Of("index", _dataset, "--vectors", "emb", "--index", "HNSW16", "--ef-construction", "64", "--threads", "2", "--json").Ok().Json();
        Assert.Equal("emb", j.GetProperty("vector_set").GetString());
        Assert.Equal("HNSW16", j.GetProperty("factory").GetString());
        Assert.Equal("ip", j.GetProperty("metric").GetString());
        Assert.Equal(Rows, j.GetProperty("rows").GetInt64());
        Assert.Equal(Dim, j.GetProperty("dimension").GetInt32());
        string path = j.GetProperty("path").GetString()!;
        Assert.Equal(Path.Combine(_dataset, "indexes", "emb.hnsw"), path);
        Assert.Equal(new FileInfo(path).Length, j.GetProperty("size_bytes").GetInt64());
        double perVector = j.GetProperty("index_bytes_per_vector").GetDouble();
        Assert.Equal((double)new FileInfo(path).Length / Rows, perVector, 2);
        // HNSW walks read the f16 vectors (2 bytes × 16) too.
        Assert.Equal(perVector + 2 * Dim, j.GetProperty("memory_bytes_per_vector").GetDouble(), 2);
        Assert.True(j.GetProperty("build_seconds").GetDouble() > 0);
        JsonElement recall = j.GetProperty("recall");
        Assert.Equal(10, recall.GetProperty("k").GetInt32());
        Assert.Equal(200, recall.GetProperty("queries").GetInt32());
        Assert.Equal("ef 64", recall.GetProperty("settings").GetString());
        Assert.InRange(recall.GetProperty("recall").GetDouble(), 0.9, 1.0);
    }

    [Fact]
    public void Index_text_report_names_time_size_memory_and_recall()
    {
        string text = CliRun.Of("index", _dataset, "--vectors", "emb", "--index", "IVF16,PQ4,Refine").Ok().Out;
        Assert.Contains("built IVF16,PQ4,Refine (ip) over 5,000 × 16 vectors in", text);
        Assert.Contains("index file: " + Path.Combine(_dataset, "indexes", "emb.ivfpq"), text);
        Assert.Contains("bytes per vector", text);
        Assert.Contains("memory per vector when searching", text);
        Assert.Contains("recall@10 ≈ ", text);
        Assert.Contains("nprobe 16, refine ×16", text);
    }

    [Fact]
    public void Index_without_options_lists_the_datasets_indexes_and_their_state()
    {
        Assert.Contains("no vector indexes", CliRun.Of("index", _dataset).Ok().Out);
        CliRun.Of("index", _dataset, "--vectors", "emb", "--index", "HNSW8", "--recall-queries", "0").Ok();
        JsonElement j = CliRun.Of("index", _dataset, "--json").Ok().Json();
        JsonElement one = Assert.Single(j.GetProperty("indexes").EnumerateArray().ToList());
        Assert.Equal("emb", one.GetProperty("vector_set").GetString());
        Assert.Equal("HNSW8", one.GetProperty("factory").GetString());
        Assert.Equal("indexes/emb.hnsw", one.GetProperty("file").GetString());
        Assert.False(one.GetProperty("stale").GetBoolean());
        Assert.Contains("current", CliRun.Of("index", _dataset).Ok().Out);
    }

    [Fact]
    public void Recall_queries_zero_skips_the_estimate()
    {
        JsonElement j = CliRun.Of("index", _dataset, "--index", "HNSW8", "--recall-queries", "0", "--json").Ok().Json();
        Assert.Equal(JsonValueKind.Null, j.GetProperty("recall").ValueKind);
        Assert.Equal("emb", j.GetProperty("vector_set").GetString());
    }

    [Theory]
    [InlineData("4G", "HNSW32")]
    [InlineData("3M", "HNSW8")]
    [InlineData("2M", "HNSW8,SQ8")]
    [InlineData("400K", "IVF512,PQ4,Refine")]
    public void Auto_picks_the_index_the_memory_budget_allows(string budget, string expected)
    {
        // 25,000 × 8 f32 vectors: too many for Flat; HNSW32 needs 7.8 MB, HNSW16 4.3 MB, HNSW8 2.6 MB, HNSW8,SQ8 (int8 copy and links) 2.0 MB,
        // IVF512,PQ4 0.24 MB.
        const int n = 25_000, dim = 8;
        string base_ = _folder.Combine("base.npy");
        NpyFile.Write<float>(base_, Vectors(n, dim, seed: 2), n, dim);
        string out_ = _folder.Combine("base.idx");
        JsonElement j = CliRun.Of("index", "--base", base_, "--auto", "--max-memory", budget, "--out", out_, "--recall-queries", "20", "--json").Ok().Json();
        Assert.Equal(expected, j.GetProperty("factory").GetString());
        JsonElement auto = j.GetProperty("auto");
        Assert.True(auto.GetProperty("estimated_bytes").GetInt64() <= auto.GetProperty("max_memory_bytes").GetInt64());
        Assert.False(string.IsNullOrEmpty(auto.GetProperty("reason").GetString()));
        Assert.True(File.Exists(out_));
        // The expected recall and speed, from 20 rows of the set searched with the index and exactly.
        JsonElement recall = j.GetProperty("recall");
        Assert.InRange(recall.GetProperty("recall").GetDouble(), 0.3, 1.0);
        Assert.True(recall.GetProperty("index_qps").GetDouble() > 0);
    }

    [Fact]
    public void Auto_on_a_small_vector_set_chooses_exact_search()
    {
        string text = CliRun.Of("index", _dataset, "--vectors", "emb", "--auto", "--max-memory", "1G").Ok().Out;
        Assert.Contains("--auto with 1.0 GiB: Flat", text);
        Assert.Contains("recall@10 ≈ 1.000 at exact", text);
    }

    [Fact]
    public void Bare_npy_base_is_indexed_into_the_out_file()
    {
        string base_ = _folder.Combine("b.npy");
        NpyFile.Write<float>(base_, Vectors(3000, 12, seed: 3), 3000, 12);
        string out_ = _folder.Combine("b.hnsw");
        JsonElement j = CliRun.Of("index", "--base", base_, "--index", "HNSW16", "--out", out_, "--metric", "cosine", "--json").Ok().Json();
        Assert.Equal(base_, j.GetProperty("base").GetString());
        Assert.Equal("cosine", j.GetProperty("metric").GetString());
        Assert.Equal(3000, j.GetProperty("rows").GetInt64());
        Assert.Equal(Path.GetFullPath(out_), j.GetProperty("path").GetString());
        Assert.True(File.Exists(out_));
        Assert.InRange(j.GetProperty("recall").GetProperty("recall").GetDouble(), 0.9, 1.0);
    }

    [Theory]
    [InlineData("say what to build", "--vectors", "emb")]
    [InlineData("cannot be used together", "--vectors", "emb", "--index", "HNSW8", "--auto")]
    [InlineData("only applies with --auto", "--vectors", "emb", "--index", "HNSW8", "--max-memory", "1G")]
    [InlineData("HNSW needs M", "--vectors", "emb", "--index", "HNSW")]
    [InlineData("cannot read the memory size", "--vectors", "emb", "--auto", "--max-memory", "lots")]
    [InlineData("no vector set 'nope'", "--vectors", "nope", "--index", "HNSW8")]
    [InlineData("--out applies with --base", "--vectors", "emb", "--index", "HNSW8", "--out", "x.hnsw")]
    public void Bad_index_requests_are_user_errors(string expected, params string[] options)
    {
        CliRun run = CliRun.Of(["index", _dataset, .. options]);
        Assert.Equal(CliExitCode.UserError, run.ExitCode);
        Assert.Contains(expected, run.Err);
        Assert.False(Directory.Exists(Path.Combine(_dataset, "indexes")) && Directory.GetFiles(Path.Combine(_dataset, "indexes")).Length > 0);
    }

    [Fact]
    public void Base_needs_out_and_excludes_a_dataset()
    {
        string base_ = _folder.Combine("b.npy");
        NpyFile.Write<float>(base_, Vectors(100, 4, seed: 3), 100, 4);
        CliRun a = CliRun.Of("index", "--base", base_, "--index", "HNSW8");
        Assert.Equal(CliExitCode.UserError, a.ExitCode);
        Assert.Contains("--base needs --out", a.Err);
        CliRun b = CliRun.Of("index", _dataset, "--base", base_, "--index", "HNSW8", "--out", _folder.Combine("x"));
        Assert.Equal(CliExitCode.UserError, b.ExitCode);
        Assert.Contains("not both", b.Err);
        CliRun c = CliRun.Of("index");
        Assert.Equal(CliExitCode.UserError, c.ExitCode);
    }
}
