using System.Text.Json;
using Trawl.Formats.Hdf5;

namespace Trawl.Cli.Tests;

/// <summary>gold, recall, search-h5, project and cat on small generated HDF5 files.</summary>
public sealed class SisapCommandsTests
{
    private const int Dim = 32, Rows = 3000, Queries = 40;

    /// <summary>Unit vectors around a few cluster centres (float16 base, float32 queries), written by Trawl's own writer.</summary>
    private static (string Base, string Queries, float[] B, float[] Q) Data(TempFolder tmp)
    {
        var rng = new Random(4);
        float[] centres = Enumerable.Range(0, 8 * Dim).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] Make(int n)
        {
            var v = new float[n * Dim];
            for (int i = 0; i < n; i++)
            {
                int c = rng.Next(8);
                double norm = 0;
                for (int j = 0; j < Dim; j++)
                {
                    v[i * Dim + j] = centres[c * Dim + j] + (float)(rng.NextDouble() - 0.5);
                    norm += v[i * Dim + j] * v[i * Dim + j];
                }
                for (int j = 0; j < Dim; j++) v[i * Dim + j] = (float)(v[i * Dim + j] / Math.Sqrt(norm));
            }
            return v;
        }
        float[] b = Make(Rows).Select(x => (float)(Half)x).ToArray();
        float[] q = Make(Queries);
        string basePath = tmp.Combine("base.h5"), queriesPath = tmp.Combine("queries.h5");
        using (var w = Hdf5Writer.Create(basePath))
        {
            w.AddDataset("emb", Hdf5DataType.Float16, Dim).Append<Half>(b.Select(x => (Half)x).ToArray());
            w.Complete();
        }
        using (var w = Hdf5Writer.Create(queriesPath))
        {
            w.AddDataset("emb", Hdf5DataType.Float32, Dim).Append<float>(q);
            w.Complete();
        }
        return (basePath, queriesPath, b, q);
    }

    [Fact]
    public void Gold_reports_the_bytes_streamed_and_the_rate()
    {
        using var tmp = new TempFolder();
        var (b, q, _, _) = Data(tmp);
        JsonElement report = CliRun.Of("gold", "--base", b, "--queries", q, "--k", "10", "--out", tmp.Combine("gold.h5"), "--json").Ok().Json();
        // 40 queries are one scan: the base (3,000 × 32 float16) read once.
        Assert.Equal(Rows * Dim * 2L, report.GetProperty("streamedBytes").GetInt64());
        Assert.True(report.GetProperty("gbPerSecond").GetDouble() > 0);
        Assert.Contains("GB/s", CliRun.Of("gold", "--base", b, "--queries", q, "--k", "10", "--out", tmp.Combine("gold2.h5")).Ok().Out);
    }

    [Fact]
    public void Gold_is_the_exact_top_k_with_one_based_ids_and_scores_itself_perfectly()
    {
        using var tmp = new TempFolder();
        var (b, q, bv, qv) = Data(tmp);
        string gold = tmp.Combine("gold.h5");
        CliRun.Of("gold", "--base", b, "--queries", q, "--k", "20", "--out", gold).Ok();
        using (var f = Hdf5File.Open(gold))
        {
            Assert.Equal(new long[] { Queries, 20 }, f.Dataset("knns").Shape);
            long[] knns = f.Dataset("knns").ReadAllAsInt64();
            double[] dists = f.Dataset("dists").ReadAllAsDouble();
            for (int i = 0; i < Queries; i++)
            {
                var expected = Enumerable.Range(0, Rows)
                    .Select(r => (Dist: 1 - Enumerable.Range(0, Dim).Sum(c => (double)qv[i * Dim + c] * bv[r * Dim + c]), Id: r + 1L))
                    .OrderBy(t => t.Dist).ThenBy(t => t.Id).Take(20).ToArray();
                // Near-ties may swap under float32 sums; the set and the distances agree.
                Assert.True(expected.Select(e => e.Id).Intersect(knns.Skip(i * 20).Take(20)).Count() >= 19);
                Assert.True(Math.Abs(expected[0].Dist - dists[i * 20]) < 1e-4);
                Assert.DoesNotContain(0L, knns);
            }
            Assert.Equal("bruteforce", f.Attributes.Single(a => a.Name == "algo").AsString());
        }
        JsonElement self = CliRun.Of("recall", "--gold", gold, "--result", gold, "--k", "10", "--json").Ok().Json();
        Assert.Equal(1.0, self.GetProperty("recall").GetDouble());
        Assert.Contains("more than k = 10", self.GetProperty("flags")[0].GetString());
    }

    [Fact]
    public void Search_h5_writes_submission_files_whose_recall_matches_the_index()
    {
        using var tmp = new TempFolder();
        var (b, q, _, _) = Data(tmp);
        string gold = tmp.Combine("gold.h5");
        CliRun.Of("gold", "--base", b, "--queries", q, "--k", "30", "--out", gold).Ok();
        JsonElement flat = CliRun.Of("search-h5", "--base", b, "--queries", q, "--index", "Flat", "--k", "10", "--out", tmp.Combine("flat.h5"), "--gold", gold, "--json").Ok().Json();
        Assert.Equal(1.0, flat.GetProperty("runs")[0].GetProperty("recall").GetDouble(), 3);
        JsonElement hnsw = CliRun.Of("search-h5", "--base", b, "--queries", q, "--index", "HNSW16", "--k", "10", "--ef", "16,64",
            "--out", tmp.Combine("hnsw.h5"), "--gold", gold, "--json").Ok().Json();
        var runs = hnsw.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(2, runs.Length);
        Assert.True(runs[1].GetProperty("recall").GetDouble() >= 0.9);
        string ef64 = tmp.Combine("hnsw.ef64.h5");
        Assert.True(File.Exists(ef64));
        using (var f = Hdf5File.Open(ef64))
        {
            var attrs = f.Attributes.ToDictionary(a => a.Name, a => a.AsString());
            Assert.Equal("HNSW16", attrs["algo"]);
            Assert.Equal("base.h5", attrs["data"]);
            Assert.Equal("ef=64", attrs["params"]);
            Assert.Equal(Rows.ToString(), attrs["size"]);
            Assert.True(double.Parse(attrs["buildtime"], System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.Contains(f.Attributes, a => a.Name == "querytime");
        }
        JsonElement scored = CliRun.Of("recall", "--gold", gold, "--result", ef64, "--k", "10", "--json").Ok().Json();
        Assert.Equal(runs[1].GetProperty("recall").GetDouble(), scored.GetProperty("recall").GetDouble(), 9);
    }

    [Fact]
    public void Recall_refuses_zero_based_ids_and_wrong_shapes()
    {
        using var tmp = new TempFolder();
        string gold = tmp.Combine("gold.h5");
        using (var w = Hdf5Writer.Create(gold))
        {
            w.AddDataset("knns", Hdf5DataType.Int32, 3).Append<int>([1, 2, 3, 4, 5, 6]);
            w.AddDataset("dists", Hdf5DataType.Float32, 3).Append<float>([0.1f, 0.2f, 0.3f, 0.1f, 0.2f, 0.3f]);
            w.Complete();
        }
        string zero = tmp.Combine("zero.h5");
        using (var w = Hdf5Writer.Create(zero))
        {
            w.AddDataset("knns", Hdf5DataType.Int32, 3).Append<int>([0, 1, 2, 3, 4, 5]);
            w.Complete();
        }
        string transposed = tmp.Combine("t.h5");
        using (var w = Hdf5Writer.Create(transposed))
        {
            w.AddDataset("knns", Hdf5DataType.Int32, 2).Append<int>([1, 4, 2, 5, 3, 6]);
            w.Complete();
        }
        var z = CliRun.Of("recall", "--gold", gold, "--result", zero, "--k", "3");
        Assert.Equal(1, z.ExitCode);
        Assert.Contains("1-based", z.Err);
        var t = CliRun.Of("recall", "--gold", gold, "--result", transposed, "--k", "2");
        Assert.Equal(1, t.ExitCode);
        Assert.Contains("3 rows but the gold standard has 2 queries", t.Err);
        var ok = CliRun.Of("recall", "--gold", gold, "--result", gold, "--k", "3").Ok();
        Assert.Contains("recall@3: 1.0000", ok.Out);
    }

    [Fact]
    public void Project_fits_applies_and_reports_the_recall_it_keeps()
    {
        using var tmp = new TempFolder();
        var (b, q, _, _) = Data(tmp);
        string pca = tmp.Combine("pca.h5"), sketch = tmp.Combine("sketch.h5");
        JsonElement fit = CliRun.Of("project", "pca", "--dims", "8", "--train", b, "--model", pca, "--queries", q, "--json").Ok().Json();
        double kept = fit.GetProperty("recall").GetProperty("recall").GetDouble();
        // All 32 axes are a rotation: search in the projected space finds the same neighbours; 8 axes keep fewer.
        JsonElement full = CliRun.Of("project", "pca", "--dims", "32", "--train", b, "--model", tmp.Combine("pca32.h5"), "--queries", q, "--json").Ok().Json();
        Assert.True(full.GetProperty("recall").GetProperty("recall").GetDouble() >= 0.95);
        Assert.InRange(kept, 0.02, full.GetProperty("recall").GetProperty("recall").GetDouble() - 0.05);
        Assert.InRange(fit.GetProperty("explainedVariance").GetDouble(), 0.1, 1.0);
        CliRun.Of("project", "apply", "--model", pca, b, "--out", tmp.Combine("pca8.h5")).Ok();
        using (var f = Hdf5File.Open(tmp.Combine("pca8.h5")))
            Assert.Equal(new long[] { Rows, 8 }, f.Dataset("pca8").Shape);
        JsonElement sk = CliRun.Of("project", "sketch", "--bits", "256", "--train", b, "--model", sketch, "--queries", q, "--json").Ok().Json();
        Assert.InRange(sk.GetProperty("recall").GetProperty("recall").GetDouble(), 0.2, 1.0);
        CliRun.Of("project", "apply", "--model", sketch, q, "--out", tmp.Combine("ham.h5")).Ok();
        using (var f = Hdf5File.Open(tmp.Combine("ham.h5")))
        {
            Assert.Equal(new long[] { Queries, 4 }, f.Dataset("hamming").Shape);
            Assert.Equal("uint64", f.Dataset("hamming").Type.ToString());
        }
        var wrong = CliRun.Of("project", "apply", "--model", b, q, "--out", tmp.Combine("x.h5"));
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("not a Trawl projection model", wrong.Err);
    }

    [Fact]
    public void Cat_lists_an_h5_file_and_prints_rows()
    {
        using var tmp = new TempFolder();
        var (b, _, bv, _) = Data(tmp);
        string listing = CliRun.Of("cat", b).Ok().Out;
        Assert.Contains("/emb  (3000, 32)  float16  contiguous", listing);
        JsonElement json = CliRun.Of("cat", b, "--json").Ok().Json();
        Assert.Equal(3000, json.GetProperty("datasets")[0].GetProperty("shape")[0].GetInt64());
        string[] rows = CliRun.Of("cat", b, "--dataset", "emb", "--limit", "2").Ok().Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rows.Length);
        double[] first = JsonDocument.Parse(rows[0]).RootElement.EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(bv.Take(Dim).Select(x => (double)x), first.Select(x => (double)(float)x), (a, c) => Math.Abs(a - c) < 1e-3);
        var missing = CliRun.Of("cat", b, "--dataset", "nope");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no dataset 'nope'", missing.Err);
    }
}
