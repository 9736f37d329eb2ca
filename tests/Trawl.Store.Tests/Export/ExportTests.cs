using System.Formats.Tar;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Trawl.Store.Duplicates;
using Trawl.Store.Export;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Tests.Duplicates;
using Trawl.Vectors.Storage;

namespace Trawl.Store.Tests.Export;

public class ExportTests
{
    private static List<string> Rows(string datasetPath, string columns = "id, caption, score")
    {
        using var conn = new SqliteConnection($"Data Source={Path.Combine(datasetPath, "meta.db")};Mode=ReadOnly;Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT {columns} FROM items ORDER BY rowid";
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read())
            rows.Add(string.Join("|", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "null" : $"{r.GetFieldType(i).Name}:{r.GetValue(i)}")));
        return rows;
    }

    private static ExportRequest Request(string folder, ExportFormat format, long partRows = 400) => new()
    {
        Query = new TableQuery { Table = "items" },
        Format = format,
        OutputFolder = folder,
        PartRows = partRows,
    };

    [Theory]
    [InlineData(ExportFormat.Parquet)]
    [InlineData(ExportFormat.Csv)]
    [InlineData(ExportFormat.Jsonl)]
    public void Reingesting_an_export_gives_the_same_rows(ExportFormat format)
    {
        using var data = new DuplicateDataset(rows: 1000, seed: 21);
        string folder = data.Temp.File("out");
        var report = DatasetExport.Run(data.Path, Request(folder, format));
        Assert.Equal(1000, report.Rows);
        Assert.Equal(3, report.Parts);
        Assert.Equal(3, report.Files.Count);
        Assert.DoesNotContain(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories), f => f.EndsWith(".partial", StringComparison.Ordinal));
        string again = data.Temp.Dataset("again");
        DatasetIngest.Run(again, new IngestRequest { Sources = report.Files.Select(f => Path.Combine(folder, f)).ToList(), Table = "items", Mode = IngestMode.Create });
        Assert.Equal(Rows(data.Path), Rows(again));
    }

    [Fact]
    public void Laion_layout_reingests_to_the_same_rows_and_vectors_and_the_dedupe_view_exports_only_kept_rows()
    {
        using var data = new DuplicateDataset(rows: 1000, seed: 22);
        var dedupe = DatasetDedupe.Run(data.Path, new DedupeRequest { Threshold = 0.9, Metric = "cosine" });
        Assert.True(dedupe.Duplicates > 10);
        string folder = data.Temp.File("laion");
        var request = Request(folder, ExportFormat.Laion, partRows: 300) with
        {
            Query = new TableQuery { Table = "items", Filters = [new ColumnFilter("dup_of", FilterOp.IsNull, "1")] },
        };
        var report = DatasetExport.Run(data.Path, request);
        Assert.Equal(1000 - dedupe.Duplicates, report.Rows);
        Assert.Contains(Path.Combine("metadata", "metadata_0000.parquet"), report.Files);
        Assert.Contains(Path.Combine("emb_emb", "emb_emb_0000.npy"), report.Files);

        string again = data.Temp.Dataset("again");
        DatasetIngest.Run(again, new IngestRequest
        {
            Sources = Directory.GetFiles(Path.Combine(folder, "metadata")).Order().ToList(),
            Vectors = new Dictionary<string, IReadOnlyList<string>> { ["emb"] = Directory.GetFiles(Path.Combine(folder, "emb_emb")).Order().ToList() },
            Table = "items",
            Mode = IngestMode.Create,
        });
        var kept = Rows(data.Path, "id, caption, score, dup_cluster, dup_of").Where(r => r.EndsWith("|null", StringComparison.Ordinal)).ToList();
        Assert.Equal(kept, Rows(again, "id, caption, score, dup_cluster, dup_of"));

        // Row i of the new set is the vector of the i-th kept row.
        var keptIds = Rows(again, "id").Select(r => int.Parse(r.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        using var original = VectorSetFile.Open(Directory.GetFiles(Path.Combine(data.Path, "vectors")).Single());
        using var copy = VectorSetFile.Open(Directory.GetFiles(Path.Combine(again, "vectors")).Single());
        Assert.Equal(keptIds.Count, copy.Matrix.Rows);
        for (int i = 0; i < keptIds.Count; i++)
            Assert.True(original.Matrix.RowBytesOf(keptIds[i]).SequenceEqual(copy.Matrix.RowBytesOf(i)), $"vector of row {i}");
    }

    [Fact]
    public void Webdataset_shards_hold_a_json_and_a_caption_per_row()
    {
        using var data = new DuplicateDataset(rows: 250, seed: 23);
        string folder = data.Temp.File("wds");
        var report = DatasetExport.Run(data.Path, Request(folder, ExportFormat.WebDataset, partRows: 100));
        Assert.Equal(["shard-00000.tar", "shard-00001.tar", "shard-00002.tar"], report.Files);
        var names = new List<string>();
        var ids = new List<long>();
        foreach (string shard in report.Files)
        {
            using var reader = new TarReader(File.OpenRead(Path.Combine(folder, shard)));
            while (reader.GetNextEntry() is { } entry)
            {
                names.Add(entry.Name);
                if (entry.Name.EndsWith(".json", StringComparison.Ordinal))
                    ids.Add(JsonDocument.Parse(entry.DataStream!).RootElement.GetProperty("id").GetInt64());
            }
        }
        Assert.Equal(Enumerable.Range(0, 250).Select(i => (long)i), ids);
        Assert.Equal(250, names.Count(n => n.EndsWith(".txt", StringComparison.Ordinal)));
        Assert.Equal("000000007.json", names[2 * 7]);
    }

    private static byte[] FakeImage(byte[] magic, int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        magic.CopyTo(bytes, 0);
        return bytes;
    }

    [Fact]
    public void Webdataset_export_of_a_table_from_shards_carries_each_rows_image_bytes_and_reingests_to_the_same_images()
    {
        using var temp = new Support.TempDir();
        byte[] png = FakeImage([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], 700, 1);
        byte[] jpeg = FakeImage([0xFF, 0xD8, 0xFF, 0xE0], 1300, 2);
        string shard = temp.File("00000.tar");
        using (var tar = new Trawl.Formats.WebDataset.TarShardWriter(File.Create(shard)))
        {
            tar.Write("a0.png", png);
            tar.Write("a0.json", """{"caption": "a red square", "key": "a0"}"""u8);
            tar.Write("a1.json", """{"caption": "no image here", "key": "a1"}"""u8);
            tar.Write("a2.jpg", jpeg);
            tar.Write("a2.json", """{"caption": "a blue circle", "key": "a2"}"""u8);
        }
        string dataset = temp.Dataset("shots");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [shard], Table = "items" });

        string folder = temp.File("wds");
        var report = DatasetExport.Run(dataset, Request(folder, ExportFormat.WebDataset, partRows: 2));
        Assert.Equal(["shard-00000.tar", "shard-00001.tar"], report.Files);
        var members = new Dictionary<string, byte[]>();
        foreach (string part in report.Files)
        {
            using var reader = new TarReader(File.OpenRead(Path.Combine(folder, part)));
            while (reader.GetNextEntry() is { } entry)
            {
                using var copy = new MemoryStream();
                entry.DataStream!.CopyTo(copy);
                members[entry.Name] = copy.ToArray();
            }
        }
        Assert.Equal(png, members["000000000.png"]);
        Assert.Equal(jpeg, members["000000002.jpg"]);
        Assert.DoesNotContain(members.Keys, k => k.StartsWith("000000001.", StringComparison.Ordinal) && !k.EndsWith(".json", StringComparison.Ordinal) && !k.EndsWith(".txt", StringComparison.Ordinal));

        // Re-ingesting the exported shards gives the same captions and the same image bytes.
        string again = temp.Dataset("again");
        DatasetIngest.Run(again, new IngestRequest { Sources = report.Files.Select(f => Path.Combine(folder, f)).ToList(), Table = "items" });
        using var ds = Trawl.Store.Datasets.Dataset.Open(again);
        Assert.Equal(png, Trawl.Store.Images.ShardImages.Read(ds, "items", 0).Bytes);
        Assert.Equal(jpeg, Trawl.Store.Images.ShardImages.Read(ds, "items", 2).Bytes);
        Assert.Equal(Rows(dataset, "caption"), Rows(again, "caption"));

        // A shard gone since ingest is an error naming the row, and no part is left under a final name.
        File.Delete(shard);
        string broken = temp.File("broken");
        var e = Assert.Throws<UserErrorException>(() => DatasetExport.Run(dataset, Request(broken, ExportFormat.WebDataset, partRows: 2)));
        Assert.Contains("row 0", e.Message);
        Assert.Contains("missing", e.Message);
        Assert.Empty(Directory.EnumerateFiles(broken, "*.tar"));
    }

    [Fact]
    public void A_non_empty_folder_is_refused_without_overwrite_and_only_an_earlier_export_is_replaced()
    {
        using var data = new DuplicateDataset(rows: 100, seed: 24);
        string folder = data.Temp.File("out");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
        var e = Assert.Throws<UserErrorException>(() => DatasetExport.Run(data.Path, Request(folder, ExportFormat.Csv)));
        Assert.Contains("not empty", e.Message);
        e = Assert.Throws<UserErrorException>(() => DatasetExport.Run(data.Path, Request(folder, ExportFormat.Csv) with { Overwrite = true }));
        Assert.Contains("left alone", e.Message);
        Assert.True(File.Exists(Path.Combine(folder, "notes.txt")));

        string exported = data.Temp.File("exported");
        DatasetExport.Run(data.Path, Request(exported, ExportFormat.Csv, partRows: 10));
        Assert.Equal(10, Directory.GetFiles(exported, "*.csv").Length);
        Assert.Throws<UserErrorException>(() => DatasetExport.Run(data.Path, Request(exported, ExportFormat.Csv)));
        var report = DatasetExport.Run(data.Path, Request(exported, ExportFormat.Parquet) with { Overwrite = true });
        Assert.Equal(["part-00000.parquet"], Directory.GetFiles(exported, "part-*").Select(Path.GetFileName));
        Assert.Equal(100, report.Rows);
    }

    [Fact]
    public void An_interrupted_export_leaves_no_part_under_a_final_name()
    {
        using var data = new DuplicateDataset(rows: 20_000, seed: 25, copyFraction: 0);
        string folder = data.Temp.File("out");
        using var cancel = new CancellationTokenSource();
        // Progress comes after every batch of rows read: stop inside the second part of 12,000 rows.
        var progress = new Progress(p => { if (p.Rows >= 16_384) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => DatasetExport.Run(data.Path, Request(folder, ExportFormat.Parquet, partRows: 12_000), progress, cancel.Token));
        Assert.Equal(["part-00000.parquet", ExportFolder.MarkerName], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(12_000, CountParquet(Path.Combine(folder, "part-00000.parquet")));
        // The marker says the export did not finish, so a re-run with --overwrite replaces it.
        Assert.Contains("\"complete\":false", File.ReadAllText(Path.Combine(folder, ExportFolder.MarkerName)));
        var again = DatasetExport.Run(data.Path, Request(folder, ExportFormat.Parquet, partRows: 12_000) with { Overwrite = true });
        Assert.Equal(["part-00000.parquet", "part-00001.parquet"], again.Files);
        Assert.Contains("\"complete\":true", File.ReadAllText(Path.Combine(folder, ExportFolder.MarkerName)));
    }

    [Fact]
    public void A_value_that_does_not_fit_its_column_stops_the_export_naming_the_row_and_column_and_leaves_no_partial_part()
    {
        using var data = new DuplicateDataset(rows: 1000, seed: 26, copyFraction: 0);
        // SQLite lets an INTEGER column hold text; such a value cannot go into the part's INT64 column.
        using (var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data.Path, "meta.db")};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "UPDATE items SET score = 'lots' WHERE rowid = 650";
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }
        string folder = data.Temp.File("out");
        var e = Assert.Throws<UserErrorException>(() => DatasetExport.Run(data.Path, Request(folder, ExportFormat.Parquet) with { RowGroupRows = 128 }));
        Assert.Contains("row 650", e.Message);
        Assert.Contains("'score'", e.Message);
        Assert.Equal(["part-00000.parquet", ExportFolder.MarkerName], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(400, CountParquet(Path.Combine(folder, "part-00000.parquet")));
    }

    [Fact]
    public void Parquet_parts_hold_row_groups_of_the_chosen_size()
    {
        using var data = new DuplicateDataset(rows: 1000, seed: 27, copyFraction: 0);
        string folder = data.Temp.File("out");
        DatasetExport.Run(data.Path, Request(folder, ExportFormat.Parquet, partRows: 1000) with { RowGroupRows = 300 });
        using (var reader = Trawl.Formats.Parquet.ParquetTableReader.Open(Path.Combine(folder, "part-00000.parquet")))
        {
            Assert.Equal(4, reader.RowGroupCount);
            Assert.Equal(1000, reader.RowCount);
        }
        Assert.Throws<UserErrorException>(() => DatasetExport.Run(data.Path, Request(data.Temp.File("bad"), ExportFormat.Parquet) with { RowGroupRows = 0 }));
    }

    private static long CountParquet(string path)
    {
        using var reader = Trawl.Formats.Parquet.ParquetTableReader.Open(path);
        var batch = new Trawl.Formats.Tables.ColumnBatch(reader.Schema.Count, 4096);
        long n = 0;
        while (reader.ReadBatch(batch, 4096)) n += batch.RowCount;
        return n;
    }

    private sealed class Progress(Action<ExportProgress> report) : IProgress<ExportProgress>
    {
        public void Report(ExportProgress value) => report(value);
    }
}

public class SisapExportTests
{
    [SkippableFact]
    public void Sisap_h5_holds_the_vectors_as_emb_and_the_rows_as_tsv_read_by_h5py()
    {
        string python = Trawl.Testing.Requirements.DebianPython("h5py", "numpy");
        using var data = new DuplicateDataset(rows: 500, seed: 26);
        string folder = data.Temp.File("sisap");
        var report = DatasetExport.Run(data.Path, new ExportRequest
        {
            Query = new TableQuery { Table = "items", Where = "score >= 500" },
            Format = ExportFormat.SisapH5,
            OutputFolder = folder,
            PartRows = 100,
        });
        Assert.Contains("emb-00000.h5", report.Files);
        Assert.Contains("meta-00000.tsv", report.Files);
        var keptIds = Enumerable.Range(0, 500).Where(i => data.Scores[i] >= 500).ToList();
        Assert.Equal(keptIds.Count, report.Rows);
        var psi = new System.Diagnostics.ProcessStartInfo(python, ["-c", """
            import h5py, sys, glob, numpy as np
            parts = sorted(glob.glob(sys.argv[1] + '/emb-*.h5'))
            x = np.concatenate([h5py.File(p, 'r')['emb'][:] for p in parts])
            print(x.dtype, x.shape[0], x.shape[1])
            np.savetxt(sys.stdout, x.astype(np.float32), fmt='%.6g')
            """, folder]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"float16 {keptIds.Count} {DuplicateDataset.Dim}", lines[0]);
        for (int r = 0; r < keptIds.Count; r++)
        {
            var values = lines[r + 1].Split(' ').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            for (int d = 0; d < DuplicateDataset.Dim; d++)
                Assert.Equal((float)(Half)data.Vectors[keptIds[r] * DuplicateDataset.Dim + d], values[d], 1e-5f);
        }
        var tsv = Directory.GetFiles(folder, "meta-*.tsv").Order().SelectMany(f => File.ReadAllLines(f).Skip(1)).ToList();
        Assert.Equal(keptIds.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), tsv.Select(l => l.Split('\t')[0]));
    }
}
