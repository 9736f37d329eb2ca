using System.Text.Json;
using Trawl.Formats.NumPy;

namespace Trawl.Cli.Tests;

public sealed class KnnCommandTests(KnnDemoFixture demo) : IClassFixture<KnnDemoFixture>
{
    private static long[] RowIds(JsonElement doc) =>
        doc.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("rowid").GetInt64()).ToArray();

    private float[] Row(long id) => demo.Vectors.AsSpan((int)(id * demo.Dimension), demo.Dimension).ToArray();

    [Fact]
    public void Knn_by_row_prints_the_nearest_rows_of_a_naive_scan_without_the_row_itself()
    {
        JsonElement doc = CliRun.Of("knn", demo.Dataset, "--row", "10", "--k", "7", "--json").Ok().Json();
        long[] ids = RowIds(doc);
        Assert.Equal(demo.NaiveTop(Row(10), 7, id => id != 10), ids);
        // The demo table has LAION's own 'similarity' column, so the neighbour score is '_similarity'.
        Assert.Equal("_similarity", doc.GetProperty("similarity_field").GetString());
        var sims = doc.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("_similarity").GetSingle()).ToArray();
        Assert.All(doc.GetProperty("rows").EnumerateArray(), r => Assert.InRange(r.GetProperty("similarity").GetDouble(), 0.28, 0.45));
        Assert.Equal(sims.OrderByDescending(s => s), sims);
        Assert.Equal("image", doc.GetProperty("vectors").GetString());
    }

    [Fact]
    public void Knn_table_output_shows_similarity_and_captions()
    {
        CliRun run = CliRun.Of("knn", demo.Dataset, "--vectors", "image", "--row", "3", "--k", "3", "--columns", "rowid,TEXT").Ok();
        Assert.Contains("similarity", run.Out);
        Assert.Contains("3 nearest rows", run.Out);
    }

    [Fact]
    public void Knn_with_search_and_where_returns_only_matching_rows_in_naive_order()
    {
        JsonElement doc = CliRun.Of("knn", demo.Dataset, "--row", "0", "--k", "5", "--search", "cat", "--where", "NSFW = 'UNLIKELY'", "--json").Ok().Json();
        var rows = doc.GetProperty("rows").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r =>
        {
            Assert.Contains("cat", r.GetProperty("TEXT").GetString()!.Split(' ', ',', '.', '-'), StringComparer.OrdinalIgnoreCase);
            Assert.Equal("UNLIKELY", r.GetProperty("NSFW").GetString());
        });
        // The allowed set, from SQL, then a naive scan over it.
        var allowed = CliRun.Of("sql", demo.Dataset, "select rowid from laion_sample where NSFW = 'UNLIKELY' and rowid in (select rowid from laion_sample_fts where laion_sample_fts match 'cat')", "--json").Ok().Json();
        var allowedIds = allowed.GetProperty("rows").EnumerateArray().Select(r => r.ValueKind == JsonValueKind.Array ? r[0].GetInt64() : r.GetProperty("rowid").GetInt64()).ToHashSet();
        Assert.Equal(demo.NaiveTop(Row(0), 5, id => id != 0 && allowedIds.Contains(id)), RowIds(doc));
    }

    [Fact]
    public void Knn_with_a_query_file_writes_ids_and_scores_that_match_a_naive_scan()
    {
        string q = demo.Path("q.npy"), knns = demo.Path("knns.npy"), dists = demo.Path("dists.npy");
        long[] queryRows = [1, 50, 700];
        var flat = queryRows.SelectMany(Row).ToArray();
        NpyFile.Write<float>(q, flat, queryRows.Length, demo.Dimension);
        CliRun.Of("knn", demo.Dataset, "--query-file", q, "--k", "4", "--out", knns, "--out-dists", dists).Ok();
        using var ids = NpyFile.Open(knns);
        using var scores = NpyFile.Open(dists);
        Assert.Equal([3L, 4L], ids.Shape);
        Assert.Equal(NpyFile.ElementType.Int32, ids.Type);
        Assert.Equal(NpyFile.ElementType.Float32, scores.Type);
        for (int i = 0; i < queryRows.Length; i++)
        {
            var got = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(ids.RowBytes(i)).ToArray().Select(x => (long)x);
            // A query vector (not a row query) finds its own row first.
            Assert.Equal(demo.NaiveTop(Row(queryRows[i]), 4, _ => true), got);
            float best = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(scores.RowBytes(i))[0];
            Assert.Equal(1.0, best, 2);
        }
    }

    [Fact]
    public void Knn_with_a_one_query_file_prints_rows_and_dedupe_reports_what_it_dropped()
    {
        string q = demo.Path("one.npy");
        NpyFile.Write<float>(q, Row(20), 1, demo.Dimension);
        JsonElement plain = CliRun.Of("knn", demo.Dataset, "--query-file", q, "--k", "20", "--json").Ok().Json();
        Assert.Equal(demo.NaiveTop(Row(20), 20, _ => true), RowIds(plain));
        JsonElement deduped = CliRun.Of("knn", demo.Dataset, "--query-file", q, "--k", "20", "--dedupe", "--json").Ok().Json();
        long[] kept = RowIds(deduped);
        int dropped = deduped.GetProperty("dropped").GetInt32();
        // Every kept pair is below the 0.94 cosine threshold (the demo vectors are unit length).
        for (int i = 0; i < kept.Length; i++)
            for (int j = i + 1; j < kept.Length; j++)
            {
                double dot = 0;
                for (int d = 0; d < demo.Dimension; d++)
                    dot += (double)demo.Vectors[kept[i] * demo.Dimension + d] * demo.Vectors[kept[j] * demo.Dimension + d];
                Assert.True(dot < 0.95, $"rows {kept[i]} and {kept[j]} have cosine {dot}");
            }
        Assert.True(dropped > 0 || kept.Length == 20);
    }

    [Fact]
    public void Knn_on_bare_npy_files_matches_a_naive_computation_for_each_metric()
    {
        var rng = new Random(3);
        const int n = 400, d = 13, nq = 6, k = 5;
        var data = Enumerable.Range(0, n * d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var queries = Enumerable.Range(0, nq * d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        string basePath = demo.Path("base.npy"), qPath = demo.Path("bq.npy"), outPath = demo.Path("bk.npy"), distPath = demo.Path("bd.npy");
        NpyFile.Write<float>(basePath, data, n, d);
        NpyFile.Write<float>(qPath, queries, nq, d);
        foreach (string metric in new[] { "ip", "l2", "cosine" })
        {
            JsonElement summary = CliRun.Of("knn", "--base", basePath, "--queries", qPath, "--k", $"{k}", "--out", outPath, "--out-dists", distPath, "--metric", metric, "--json").Ok().Json();
            Assert.Equal(nq, summary.GetProperty("queries").GetInt32());
            using var ids = NpyFile.Open(outPath);
            using var dists = NpyFile.Open(distPath);
            for (int q = 0; q < nq; q++)
            {
                var scored = Enumerable.Range(0, n).Select(i =>
                {
                    double dot = 0, l2 = 0, nx = 0, nqq = 0;
                    for (int j = 0; j < d; j++)
                    {
                        double a = queries[q * d + j], b = data[i * d + j];
                        dot += a * b; l2 += (a - b) * (a - b); nx += b * b; nqq += a * a;
                    }
                    double key = metric switch { "ip" => dot, "l2" => -l2, _ => dot / Math.Sqrt(nx * nqq) };
                    return (Key: key, Id: i, Score: metric == "l2" ? l2 : key);
                }).OrderByDescending(s => s.Key).ThenBy(s => s.Id).Take(k).ToArray();
                var got = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(ids.RowBytes(q)).ToArray();
                var gotScores = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(dists.RowBytes(q)).ToArray();
                Assert.Equal(scored.Select(s => s.Id), got);
                for (int i = 0; i < k; i++)
                    Assert.Equal(scored[i].Score, gotScores[i], 3);
            }
        }
    }

    [Theory]
    [InlineData("dimension 64", "--vector", "[0.1, 0.2]")]
    [InlineData("no row 999999", "--row", "999999")]
    [InlineData("not valid JSON", "--vector", "[0.1,")]
    [InlineData("no vector set 'text'", "--row", "1", "--vectors", "text")]
    [InlineData("exactly one of", "--row", "1", "--vector", "[1]")]
    [InlineData("no vector set 'text'", "--row", "1", "--query-vectors", "text")]
    [InlineData("--query-vectors goes with --row", "--vector", "[1]", "--query-vectors", "image")]
    public void Knn_bad_input_is_a_user_error_with_a_clear_message(string expected, params string[] args)
    {
        CliRun run = CliRun.Of(["knn", demo.Dataset, .. args]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(expected, run.Err);
    }

    [Fact]
    public void Knn_on_bare_files_refuses_queries_of_another_dimension()
    {
        string basePath = demo.Path("b2.npy"), qPath = demo.Path("q2.npy");
        NpyFile.Write<float>(basePath, new float[20], 5, 4);
        NpyFile.Write<float>(qPath, new float[6], 2, 3);
        CliRun run = CliRun.Of("knn", "--base", basePath, "--queries", qPath, "--json");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("dimension 4", run.Err);
    }
}
