using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Trawl.Formats.Hdf5;
using Trawl.Testing;

namespace Trawl.Cli.Tests;

/// <summary><c>trawl ingest DATASET FILE.h5 [--meta TSV]</c>: a SISAP subset (emb and projections) with its captions.</summary>
public sealed class SisapIngestTests
{
    private const int Dim = 24, Rows = 500;

    private static float[] Vectors(int seed, int n, int dim)
    {
        var rng = new Random(seed);
        var v = new float[n * dim];
        for (int i = 0; i < n; i++)
        {
            double norm = 0;
            for (int j = 0; j < dim; j++) { v[i * dim + j] = (float)(rng.NextDouble() * 2 - 1); norm += v[i * dim + j] * v[i * dim + j]; }
            for (int j = 0; j < dim; j++) v[i * dim + j] = (float)(Half)(v[i * dim + j] / Math.Sqrt(norm));
        }
        return v;
    }

    private static string Subset(TempFolder tmp, float[] emb, int rows)
    {
        string path = tmp.Combine($"laion2B-en-clip768v2-n={rows}.h5");
        using var w = Hdf5Writer.Create(path);
        w.AddDataset("emb", Hdf5DataType.Float16, Dim).Append<Half>(emb.Select(x => (Half)x).ToArray());
        w.Complete();
        return path;
    }

    private static string Pca(TempFolder tmp, float[] emb, int rows)
    {
        string path = tmp.Combine($"laion2B-en-pca8v2-n={rows}.h5");
        var p = new float[rows * 8];
        for (int i = 0; i < rows; i++) for (int j = 0; j < 8; j++) p[i * 8 + j] = emb[i * Dim + j];
        using var w = Hdf5Writer.Create(path);
        w.AddDataset("pca8", Hdf5DataType.Float32, 8).Append<float>(p);
        w.Complete();
        return path;
    }

    private static string Meta(TempFolder tmp, int rows)
    {
        var sb = new StringBuilder("caption\turl\tNSFW\n");
        for (int i = 0; i < rows; i++) sb.Append(CultureInfo.InvariantCulture, $"photo number {i} of a {(i % 5 == 0 ? "lighthouse" : "meadow")}\thttp://example.com/{i}.jpg\tUNLIKELY\n");
        return tmp.File($"meta-{rows}.tsv", sb.ToString());
    }

    private static long BestOtherRow(float[] emb, long row)
    {
        long best = -1;
        double bestScore = double.NegativeInfinity;
        for (long r = 0; r < Rows; r++)
        {
            if (r == row) continue;
            double s = 0;
            for (int j = 0; j < Dim; j++) s += emb[row * Dim + j] * emb[r * Dim + j];
            if (s > bestScore) { bestScore = s; best = r; }
        }
        return best;
    }

    [Fact]
    public void The_subset_with_its_metadata_is_a_dataset_whose_rows_vectors_and_captions_line_up()
    {
        using var tmp = new TempFolder();
        float[] emb = Vectors(7, Rows, Dim);
        string h5 = Subset(tmp, emb, Rows), pca = Pca(tmp, emb, Rows), meta = Meta(tmp, Rows);
        string ds = tmp.Combine("laion.trawl");
        var report = CliRun.Of("ingest", ds, h5, pca, "--meta", meta, "--table", "laion", "--json").Ok().Json();
        Assert.Equal(Rows, report.GetProperty("rows_kept").GetInt64());
        var sets = report.GetProperty("vector_sets").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!, v => v);
        Assert.Equal(Dim, sets["emb"].GetProperty("dimension").GetInt32());
        Assert.Equal(8, sets["pca8"].GetProperty("dimension").GetInt32());
        Assert.All(sets.Values, s => Assert.Equal(Rows, s.GetProperty("count").GetInt64()));

        // Row r's vector is the file's row r, and its caption is the TSV's row r.
        foreach (long row in new long[] { 0, 123, Rows - 1 })
        {
            var knn = CliRun.Of("knn", ds, "--vectors", "emb", "--row", row.ToString(CultureInfo.InvariantCulture), "--k", "3", "--json").Ok().Json();
            var first = knn.GetProperty("rows")[0];
            long expected = BestOtherRow(emb, row);
            Assert.Equal(expected, first.GetProperty("rowid").GetInt64());
            Assert.StartsWith($"photo number {expected} of", first.GetProperty("caption").GetString());
        }
        var search = CliRun.Of("search", ds, "lighthouse", "--count").Ok().Out.Trim();
        Assert.Equal((Rows / 5).ToString(CultureInfo.InvariantCulture), search);
    }

    [Fact]
    public void Without_metadata_the_rows_are_the_files_own_with_one_based_ids_and_neighbour_lists()
    {
        using var tmp = new TempFolder();
        float[] emb = Vectors(3, Rows, Dim);
        string h5 = Subset(tmp, emb, Rows);
        string ds = tmp.Combine("plain.trawl");
        CliRun.Of("ingest", ds, h5, "--table", "base").Ok();
        var rows = CliRun.Of("sql", ds, "SELECT rowid, id FROM base ORDER BY rowid", "--json").Ok().Json().GetProperty("rows");
        Assert.Equal(Rows, rows.GetArrayLength());
        Assert.All(rows.EnumerateArray(), r => Assert.Equal(r[0].GetInt64() + 1, r[1].GetInt64()));

        // A gold file: knns (1-based) and dists become JSON columns of the queries' rows.
        string gold = tmp.Combine("gold.h5");
        CliRun.Of("gold", "--base", h5, "--queries", h5, "--k", "4", "--out", gold).Ok();
        string gds = tmp.Combine("gold.trawl");
        CliRun.Of("ingest", gds, gold, "--table", "gold").Ok();
        var row = CliRun.Of("sql", gds, "SELECT id, knns, dists FROM gold WHERE id = 10", "--json").Ok().Json().GetProperty("rows")[0];
        using var f = Hdf5File.Open(gold);
        long[] knns = f.Dataset("knns").ReadAllAsInt64();
        double[] dists = f.Dataset("dists").ReadAllAsDouble();
        using var stored = JsonDocument.Parse(row[1].GetString()!);
        Assert.Equal(knns.Skip(9 * 4).Take(4), stored.RootElement.EnumerateArray().Select(e => e.GetInt64()));
        using var storedDists = JsonDocument.Parse(row[2].GetString()!);
        Assert.Equal(dists.Skip(9 * 4).Take(4).Select(d => (float)d), storedDists.RootElement.EnumerateArray().Select(e => e.GetSingle()));
    }

    [Fact]
    public void Metadata_with_a_different_row_count_is_refused_naming_both_files_and_leaves_no_dataset()
    {
        using var tmp = new TempFolder();
        float[] emb = Vectors(5, Rows, Dim);
        string h5 = Subset(tmp, emb, Rows), meta = Meta(tmp, Rows - 1);
        string ds = tmp.Combine("bad.trawl");
        var run = CliRun.Of("ingest", ds, h5, "--meta", meta);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(Path.GetFileName(meta), run.Err, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(h5), run.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(ds, "meta.db")));
    }

    [Fact]
    public void Meta_without_hdf5_and_vectors_with_hdf5_are_user_errors()
    {
        using var tmp = new TempFolder();
        string meta = Meta(tmp, 3);
        var a = CliRun.Of("ingest", tmp.Combine("a.trawl"), meta, "--meta", meta);
        Assert.Equal(1, a.ExitCode);
        Assert.Contains("--meta", a.Err, StringComparison.Ordinal);
        string h5 = Subset(tmp, Vectors(1, 3, Dim), 3);
        var b = CliRun.Of("ingest", tmp.Combine("b.trawl"), h5, "--vectors", "x=" + h5);
        Assert.Equal(1, b.ExitCode);
        Assert.Contains("--vectors", b.Err, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_gzip_chunked_float16_subset_written_by_h5py_with_libver_latest_ingests()
    {
        string python = Requirements.DebianPython("h5py", "numpy");
        using var tmp = new TempFolder();
        string h5 = tmp.Combine("laion2B-en-clip768v2-n=700.h5");
        var start = new ProcessStartInfo(python) { RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("""
import sys, numpy as np, h5py
x = np.random.default_rng(2).standard_normal((700, 24)).astype(np.float16)
with h5py.File(sys.argv[1], "w", libver="latest") as f:
    f.create_dataset("emb", data=x, chunks=(64, 24), compression="gzip", shuffle=True)
np.save(sys.argv[1] + ".npy", x)
""");
        start.ArgumentList.Add(h5);
        using (var p = Process.Start(start)!)
        {
            string err = p.StandardError.ReadToEnd();
            Assert.True(p.WaitForExit(60_000) && p.ExitCode == 0, err);
        }
        string meta = Meta(tmp, 700);
        string ds = tmp.Combine("h5py.trawl");
        CliRun.Of("ingest", ds, h5, "--meta", meta).Ok();
        var vector = CliRun.Of("knn", ds, "--row", "321", "--k", "1", "--json").Ok().Json().GetProperty("rows")[0];
        Assert.StartsWith("photo number", vector.GetProperty("caption").GetString());
        var info = CliRun.Of("info", ds, "--json").Ok().Json().GetProperty("vector_sets")[0];
        Assert.Equal(700, info.GetProperty("count").GetInt64());
        Assert.Equal(24, info.GetProperty("dimension").GetInt32());
    }
}
