using Trawl.Formats.Hdf5;
using Trawl.Formats.NumPy;

namespace Trawl.Cli.Tests;

public sealed class SisapSubsetTests
{
    /// <summary>Part p has 6 rows; row r's vector is (p*100 + r, -(p*100 + r), 0.5); NSFW cycles UNLIKELY, NSFW, (missing), LIKELY.</summary>
    private static void MakePart(TempFolder tmp, int p, int rows = 6, int metaRows = 6)
    {
        var v = new float[rows * 3];
        for (int r = 0; r < rows; r++)
        {
            v[r * 3] = p * 100 + r;
            v[r * 3 + 1] = -(p * 100 + r);
            v[r * 3 + 2] = 0.5f;
        }
        Directory.CreateDirectory(tmp.Combine("img_emb"));
        Directory.CreateDirectory(tmp.Combine("metadata"));
        NpyFile.Write<float>(tmp.Combine($"img_emb/img_emb_{p}.npy"), v, rows, 3);
        string[] flags = ["UNLIKELY", "NSFW", "", "LIKELY"];
        var csv = new System.Text.StringBuilder("url,caption,NSFW\n");
        for (int r = 0; r < metaRows; r++) csv.Append($"http://x/{p}/{r},\"cap {p} {r}\",{flags[r % 4]}\n");
        File.WriteAllText(tmp.Combine($"metadata/metadata_{p:0000}.csv"), csv.ToString());
    }

    [Fact]
    public void Subset_concatenates_parts_in_order_and_drops_nsfw_and_missing()
    {
        using var tmp = new TempFolder();
        foreach (int p in new[] { 0, 1, 2, 10 }) MakePart(tmp, p);
        string output = tmp.Combine("subset.h5"), meta = tmp.Combine("meta.tsv");
        CliRun.Of("sisap", "subset", "--parts", tmp.Combine("img_emb/img_emb_*.npy"), "--metadata", tmp.Combine("metadata/metadata_*.csv"),
            "--range", "2-4", "--out", output, "--meta-out", meta).Ok();
        using var f = Hdf5File.Open(output);
        var emb = f.Dataset("emb");
        Assert.Equal("float16", emb.Type.ToString());
        double[] values = emb.ReadAllAsDouble();
        // Parts 1, 2, 10 (positions 2-4 in part-number order, so img_emb_10 comes after img_emb_2); rows 0, 3, 4 kept.
        long[] expected = [100, 103, 104, 200, 203, 204, 1000, 1003, 1004];
        Assert.Equal(new long[] { expected.Length, 3 }, emb.Shape);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], values[i * 3]);
            Assert.Equal(-expected[i], values[i * 3 + 1]);
        }
        string[] lines = File.ReadAllLines(meta);
        Assert.Equal("url\tcaption\tNSFW", lines[0]);
        Assert.Equal(expected.Select(e => $"http://x/{e / 100}/{e % 100}"), lines.Skip(1).Select(l => l.Split('\t')[0]));
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp-*"));
    }

    [Fact]
    public void Npz_parts_give_the_same_subset_as_npy_parts_and_leave_no_extracted_files()
    {
        using var tmp = new TempFolder();
        foreach (int p in new[] { 0, 1, 2 }) MakePart(tmp, p);
        Directory.CreateDirectory(tmp.Combine("npz"));
        foreach (int p in new[] { 0, 1, 2 })
        {
            // numpy.savez_compressed's layout: a zip with a deflated arr_0.npy.
            using var zip = System.IO.Compression.ZipFile.Open(tmp.Combine($"npz/img_emb_{p}.npz"), System.IO.Compression.ZipArchiveMode.Create);
            using (var entry = zip.CreateEntry("arr_0.npy", System.IO.Compression.CompressionLevel.Optimal).Open())
                entry.Write(File.ReadAllBytes(tmp.Combine($"img_emb/img_emb_{p}.npy")));
        }
        string fromNpy = tmp.Combine("npy.h5"), fromNpz = tmp.Combine("npz.h5");
        CliRun.Of("sisap", "subset", "--parts", tmp.Combine("img_emb/img_emb_*.npy"), "--metadata", tmp.Combine("metadata/metadata_*.csv"), "--range", "1-3", "--out", fromNpy).Ok();
        CliRun.Of("sisap", "subset", "--parts", tmp.Combine("npz/img_emb_*.npz"), "--metadata", tmp.Combine("metadata/metadata_*.csv"), "--range", "1-3", "--out", fromNpz).Ok();
        using var a = Hdf5File.Open(fromNpy);
        using var b = Hdf5File.Open(fromNpz);
        Assert.Equal(a.Dataset("emb").Shape, b.Dataset("emb").Shape);
        Assert.Equal(a.Dataset("emb").ReadAllAsDouble(), b.Dataset("emb").ReadAllAsDouble());
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_count_mismatch_names_both_files_and_leaves_nothing_behind()
    {
        using var tmp = new TempFolder();
        MakePart(tmp, 0);
        MakePart(tmp, 1, rows: 6, metaRows: 5);
        string output = tmp.Combine("subset.h5");
        var run = CliRun.Of("sisap", "subset", "--parts", tmp.Combine("img_emb/img_emb_*.npy"), "--metadata", tmp.Combine("metadata/metadata_*.csv"),
            "--range", "1-2", "--out", output, "--meta-out", tmp.Combine("meta.tsv"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("metadata_0001.csv has 5 rows but", run.Err);
        Assert.Contains("img_emb_1.npy has 6 embeddings", run.Err);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(tmp.Combine("meta.tsv")));
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp-*"));
        var range = CliRun.Of("sisap", "subset", "--parts", tmp.Combine("img_emb/img_emb_*.npy"), "--metadata", tmp.Combine("metadata/metadata_*.csv"),
            "--range", "1-3", "--out", output);
        Assert.Equal(1, range.ExitCode);
        Assert.Contains("outside the 2 parts", range.Err);
    }
}
