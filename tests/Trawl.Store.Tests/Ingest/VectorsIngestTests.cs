using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Trawl.Formats.NumPy;
using Trawl.Store.Ingest;
using Trawl.Store.Storage;
using Trawl.Store.Tests.Support;
using Trawl.Vectors.Storage;
using Xunit.Abstractions;
using Trawl.Testing;

namespace Trawl.Store.Tests.Ingest;

public sealed class VectorsIngestTests(ITestOutputHelper output) : IDisposable
{
    private const int Dim = 4;
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A metadata part (CSV) of <paramref name="rows"/> rows whose id is first + i, with some NSFW rows and
    /// some repeated url+caption pairs, and its f32 vectors whose first component is the row's id.</summary>
    private (string Csv, string Npy) Part(int part, int first, int rows, string digits = "D4")
    {
        string n = part.ToString(digits, System.Globalization.CultureInfo.InvariantCulture);
        var lines = new List<object?[]>();
        var data = new float[rows * Dim];
        for (int i = 0; i < rows; i++)
        {
            int id = first + i;
            string nsfw = id % 5 == 0 ? "NSFW" : "UNLIKELY";
            // Every 7th row repeats the url and caption of the row before it.
            int key = id % 7 == 6 ? id - 1 : id;
            lines.Add([id, $"http://h{key % 3}.example/{key}.jpg", $"caption {key}", nsfw]);
            data[i * Dim] = id;
            data[i * Dim + 1] = 1;
            data[i * Dim + 2] = -id / 2f;
            data[i * Dim + 3] = 0.5f;
        }
        string csv = CsvFile.Write(_temp.File($"meta_{n}.csv"), ["id", "URL", "TEXT", "NSFW"], lines);
        string npy = _temp.File($"img_{n}.npy");
        NpyFile.Write<float>(npy, data, rows, Dim);
        return (csv, npy);
    }

    private IngestRequest Request(IReadOnlyList<string> sources, IReadOnlyList<string> vectors, string? where = null, string[]? dedupe = null, IngestMode mode = IngestMode.Create) => new()
    {
        Sources = sources,
        Vectors = new Dictionary<string, IReadOnlyList<string>> { ["image"] = vectors },
        Where = where,
        DedupeColumns = dedupe ?? [],
        Mode = mode,
    };

    private List<long> TableIds(string table = "meta")
    {
        using var conn = new SqliteConnection($"Data Source={DatasetPaths.MetaDb(_temp.Dataset())};Mode=ReadOnly;Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT id FROM \"{table}\" ORDER BY rowid";
        using var r = cmd.ExecuteReader();
        var ids = new List<long>();
        while (r.Read()) ids.Add(r.GetInt64(0));
        return ids;
    }

    private List<VectorSetRegistry.Entry> Registry()
    {
        using var conn = new SqliteConnection($"Data Source={DatasetPaths.MetaDb(_temp.Dataset())};Mode=ReadOnly;Pooling=False");
        conn.Open();
        return VectorSetRegistry.ReadAll(conn);
    }

    /// <summary>Every file of the dataset folder with its SHA-256, to show a failed ingest changed nothing.</summary>
    private Dictionary<string, string> Snapshot()
    {
        SqliteConnection.ClearAllPools();
        string dir = _temp.Dataset();
        if (!Directory.Exists(dir)) return [];
        return Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("ingest.lock", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(MetaDbBytes.Read(f))));
    }

    private static void AssertAligned(List<long> ids, VectorSetFile set)
    {
        Assert.Equal(ids.Count, set.Header.Count);
        for (int i = 0; i < ids.Count; i++)
        {
            var row = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(set.Matrix.RowBytesOf(i));
            Assert.Equal((float)ids[i], (float)row[0]);
            Assert.Equal(1f, (float)row[1]);
            Assert.Equal((float)(Half)(-ids[i] / 2f), (float)row[2]);
        }
    }

    [Fact]
    public void Where_and_dedupe_drop_the_same_rows_from_table_and_vector_set()
    {
        var a = Part(0, 0, 300);
        var b = Part(1, 300, 250);
        var report = DatasetIngest.Run(_temp.Dataset(), Request([a.Csv, b.Csv], [a.Npy, b.Npy], where: "NSFW <> 'NSFW'", dedupe: ["URL", "TEXT"]));

        Assert.Equal("meta", report.Table);
        Assert.True(report.RowsFiltered > 0 && report.Duplicates > 0);
        var ids = TableIds();
        Assert.Equal(report.RowsKept, ids.Count);
        Assert.DoesNotContain(ids, id => id % 5 == 0);
        var entry = Assert.Single(Registry());
        Assert.Equal(("image", "meta", "vectors/image.f16", "f16", Dim, (long)ids.Count, "ip"), (entry.Name, entry.Table, entry.File, entry.ElementType, entry.Dimension, entry.Count, entry.Metric));
        using var set = VectorSetFile.Open(Path.Combine(_temp.Dataset(), entry.File));
        Assert.Equal(entry.Checksum, set.Header.DataChecksum.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
        set.VerifyChecksum();
        AssertAligned(ids, set);
        Assert.Equal([("image", (long)ids.Count, Dim)], report.VectorSets);
    }

    [Fact]
    public void Rerun_with_more_parts_skips_parts_already_ingested_and_appends_vectors_in_order()
    {
        var a = Part(0, 0, 120);
        var b = Part(1, 120, 80);
        DatasetIngest.Run(_temp.Dataset(), Request([a.Csv], [a.Npy], dedupe: ["URL", "TEXT"]));
        var c = Part(2, 200, 90);
        var report = DatasetIngest.Run(_temp.Dataset(), Request([a.Csv, b.Csv, c.Csv], [a.Npy, b.Npy, c.Npy], dedupe: ["URL", "TEXT"]));

        Assert.Equal(1, report.SkippedSources);
        Assert.Equal(170, report.RowsRead);
        var ids = TableIds();
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        using var set = VectorSetFile.Open(Path.Combine(_temp.Dataset(), "vectors", "image.f16"));
        AssertAligned(ids, set);
        Assert.Equal(ids.Count, Assert.Single(Registry()).Count);

        // Nothing new: every part skipped, the set untouched.
        var before = Snapshot();
        var again = DatasetIngest.Run(_temp.Dataset(), Request([a.Csv, b.Csv, c.Csv], [a.Npy, b.Npy, c.Npy], dedupe: ["URL", "TEXT"]));
        Assert.Equal(3, again.SkippedSources);
        Assert.Equal(0, again.RowsRead);
        Assert.Equal(before["vectors/image.f16"], Snapshot()["vectors/image.f16"]);
    }

    [Fact]
    public void Parts_pair_by_number_with_and_without_leading_zeros()
    {
        var a = Part(0, 0, 10);
        var b = Part(1, 10, 12);
        string v0 = _temp.File("img_emb_0.npy"), v1 = _temp.File("img_emb_1.npy");
        File.Move(a.Npy, v0);
        File.Move(b.Npy, v1);
        // Given in the other order: pairing is by number, not position.
        DatasetIngest.Run(_temp.Dataset(), Request([a.Csv, b.Csv], [v1, v0]));
        using var set = VectorSetFile.Open(Path.Combine(_temp.Dataset(), "vectors", "image.f16"));
        AssertAligned(TableIds(), set);
    }

    [Fact]
    public void Missing_partner_is_an_error_naming_both_files_and_leaves_the_dataset_unchanged()
    {
        var a = Part(0, 0, 10);
        DatasetIngest.Run(_temp.Dataset(), Request([a.Csv], [a.Npy]));
        var before = Snapshot();
        var b = Part(1, 10, 10);
        var c = Part(2, 20, 10);
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), Request([a.Csv, b.Csv, c.Csv], [a.Npy, b.Npy])));
        output.WriteLine(e.Message);
        Assert.Contains("meta_0002.csv", e.Message);
        Assert.Contains("img_0000.npy", e.Message);
        Assert.Equal(before, Snapshot());

        var extra = Part(3, 30, 10);
        var e2 = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), Request([a.Csv, b.Csv], [a.Npy, b.Npy, extra.Npy])));
        output.WriteLine(e2.Message);
        Assert.Contains("img_0003.npy", e2.Message);
        Assert.Contains("meta_0000.csv", e2.Message);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void Row_count_mismatch_is_an_error_naming_both_files_and_leaves_the_dataset_unchanged()
    {
        var a = Part(0, 0, 50);
        DatasetIngest.Run(_temp.Dataset(), Request([a.Csv], [a.Npy]));
        var before = Snapshot();
        var b = Part(1, 50, 40);
        NpyFile.Write<float>(b.Npy, new float[39 * Dim], 39, Dim);
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), Request([a.Csv, b.Csv], [a.Npy, b.Npy])));
        output.WriteLine(e.Message);
        Assert.Contains("meta_0001.csv", e.Message);
        Assert.Contains("img_0001.npy", e.Message);
        Assert.Equal(before, Snapshot());
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(_temp.Dataset(), "vectors")), f => !f.EndsWith(".f16", StringComparison.Ordinal));
    }

    [Fact]
    public void Npy_whose_header_lies_about_its_shape_is_an_error_and_leaves_the_dataset_unchanged()
    {
        var a = Part(0, 0, 20);
        DatasetIngest.Run(_temp.Dataset(), Request([a.Csv], [a.Npy]));
        var before = Snapshot();
        var b = Part(1, 20, 20);
        // Short data: cut the last row in half.
        byte[] bytes = File.ReadAllBytes(b.Npy);
        File.WriteAllBytes(b.Npy, bytes[..^(Dim * 2)]);
        var e = Assert.Throws<Trawl.Formats.Tables.DataFormatException>(() => DatasetIngest.Run(_temp.Dataset(), Request([a.Csv, b.Csv], [a.Npy, b.Npy])));
        output.WriteLine(e.Message);
        Assert.Contains("img_0001.npy", e.Message);
        Assert.Equal(before, Snapshot());

        // A header that claims more rows than the data holds.
        string text = System.Text.Encoding.Latin1.GetString(bytes).Replace("(20, 4)", "(90, 4)");
        File.WriteAllBytes(b.Npy, System.Text.Encoding.Latin1.GetBytes(text));
        var e2 = Assert.Throws<Trawl.Formats.Tables.DataFormatException>(() => DatasetIngest.Run(_temp.Dataset(), Request([a.Csv, b.Csv], [a.Npy, b.Npy])));
        output.WriteLine(e2.Message);
        Assert.Contains("truncated", e2.Message);
        Assert.Equal(before, Snapshot());
    }

    private sealed class CancelOnSecondSource(CancellationTokenSource cancel, string second) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value)
        {
            if (value.Source == second) cancel.Cancel();
        }
    }

    [Fact]
    public void Cancelled_ingest_leaves_no_half_part_and_no_pending_files()
    {
        var a = Part(0, 0, 30);
        DatasetIngest.Run(_temp.Dataset(), Request([a.Csv], [a.Npy]));
        var before = Snapshot();
        var b = Part(1, 30, 3000);
        var c = Part(2, 3030, 3000);
        using var cancel = new CancellationTokenSource();
        var request = new IngestRequest
        {
            Sources = [a.Csv, b.Csv, c.Csv],
            Vectors = new Dictionary<string, IReadOnlyList<string>> { ["image"] = [a.Npy, b.Npy, c.Npy] },
            BatchRows = 100,
        };
        Assert.ThrowsAny<OperationCanceledException>(() => DatasetIngest.Run(_temp.Dataset(), request, new CancelOnSecondSource(cancel, c.Csv), cancel.Token));
        Assert.Equal(before, Snapshot());
        Assert.Equal(["image.f16"], Directory.EnumerateFiles(Path.Combine(_temp.Dataset(), "vectors")).Select(Path.GetFileName));
    }

    [Fact]
    public void Float32_values_beyond_float16_range_are_an_error_naming_file_and_row()
    {
        var a = Part(0, 0, 10);
        var data = new float[10 * Dim];
        data[7 * Dim + 2] = 70000f;
        NpyFile.Write<float>(a.Npy, data, 10, Dim);
        var e = Assert.Throws<Trawl.Formats.Tables.DataFormatException>(() => DatasetIngest.Run(_temp.Dataset(), Request([a.Csv], [a.Npy])));
        output.WriteLine(e.Message);
        Assert.Contains("img_0000.npy", e.Message);
        Assert.Contains("row 7", e.Message);
        Assert.False(File.Exists(DatasetPaths.MetaDb(_temp.Dataset())));

        // As f32 the same values load.
        var ok = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [a.Csv], Vectors = new Dictionary<string, IReadOnlyList<string>> { ["image"] = [a.Npy] }, VectorType = "f32" });
        Assert.Equal(10, ok.RowsKept);
        using var set = VectorSetFile.Open(Path.Combine(_temp.Dataset(), "vectors", "image.f32"));
        Assert.Equal(70000f, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(set.Matrix.RowBytesOf(7))[2]);
    }

    [Fact]
    public void Float16_npy_is_copied_as_is()
    {
        var a = Part(0, 0, 30);
        var halves = new Half[30 * Dim];
        for (int i = 0; i < halves.Length; i++) halves[i] = (Half)(i * 0.37f - 5);
        NpyFile.Write<Half>(a.Npy, halves, 30, Dim);
        DatasetIngest.Run(_temp.Dataset(), Request([a.Csv], [a.Npy]));
        using var set = VectorSetFile.Open(Path.Combine(_temp.Dataset(), "vectors", "image.f16"));
        for (int r = 0; r < 30; r++)
            Assert.Equal(System.Runtime.InteropServices.MemoryMarshal.AsBytes(halves.AsSpan(r * Dim, Dim)).ToArray(), set.Matrix.RowBytesOf(r).ToArray());
    }

    [Fact]
    public void Npz_member_is_read_like_an_npy()
    {
        var a = Part(0, 0, 25);
        string npz = _temp.File("img_0000.npz");
        using (var zip = System.IO.Compression.ZipFile.Open(npz, System.IO.Compression.ZipArchiveMode.Create))
        {
            zip.CreateEntryFromFile(a.Npy, "other.npy", System.IO.Compression.CompressionLevel.Optimal);
            zip.CreateEntryFromFile(a.Npy, "emb.npy", System.IO.Compression.CompressionLevel.NoCompression);
        }
        DatasetIngest.Run(_temp.Dataset(), Request([a.Csv], [npz + ":emb"]));
        using var set = VectorSetFile.Open(Path.Combine(_temp.Dataset(), "vectors", "image.f16"));
        AssertAligned(TableIds(), set);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_temp.Dataset(), "vectors"), "*.tmp"));
    }

    [Fact]
    public void Replace_rewrites_the_vector_set()
    {
        var a = Part(0, 0, 40);
        DatasetIngest.Run(_temp.Dataset(), Request([a.Csv], [a.Npy]));
        DatasetIngest.Run(_temp.Dataset(), Request([a.Csv], [a.Npy], where: "id < 10", mode: IngestMode.Replace));
        var ids = TableIds();
        Assert.Equal(10, ids.Count);
        using var set = VectorSetFile.Open(Path.Combine(_temp.Dataset(), "vectors", "image.f16"));
        AssertAligned(ids, set);
    }

    [Fact]
    public void Appending_rows_without_the_tables_vector_sets_is_an_error()
    {
        var a = Part(0, 0, 10);
        DatasetIngest.Run(_temp.Dataset(), Request([a.Csv], [a.Npy]));
        var b = Part(1, 10, 10);
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [b.Csv], Table = "meta", Mode = IngestMode.Append }));
        Assert.Contains("image", e.Message);
    }

    [SkippableFact]
    public void Parquet_footer_row_count_is_checked_against_the_npy_before_anything_is_written()
    {
        string folder = Requirements.SharedData("clip-retrieval-fashion9");
        var found = ClipRetrievalFolder.Find(folder)!.Value;
        string npy = _temp.File("img_emb_0.npy");
        NpyFile.Write<Half>(npy, new Half[8 * 512], 8, 512);
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest
        {
            Sources = found.Sources,
            Vectors = new Dictionary<string, IReadOnlyList<string>> { ["image"] = [npy] },
        }));
        output.WriteLine(e.Message);
        Assert.Contains("metadata_0.parquet has 9 rows", e.Message);
        Assert.Contains("img_emb_0.npy has 8 vectors", e.Message);
        Assert.False(File.Exists(DatasetPaths.MetaDb(_temp.Dataset())));
    }

    [SkippableFact]
    public void Clip_retrieval_folder_ingests_metadata_with_image_and_text_sets()
    {
        string folder = Requirements.SharedData("clip-retrieval-fashion9");
        var found = ClipRetrievalFolder.Find(folder);
        Assert.NotNull(found);
        var report = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = found.Value.Sources, Vectors = found.Value.Vectors });
        Assert.Equal("metadata", report.Table);
        Assert.Equal(9, report.RowsKept);
        var sets = Registry();
        Assert.Equal(["image", "text"], sets.Select(s => s.Name));
        foreach (var s in sets)
        {
            Assert.Equal((512, 9L, "f16"), (s.Dimension, s.Count, s.ElementType));
            using var file = VectorSetFile.Open(Path.Combine(_temp.Dataset(), s.File));
            using var npy = NpyFile.Open(found.Value.Vectors[s.Name][0]);
            for (int r = 0; r < 9; r++)
                Assert.Equal(npy.RowBytes(r).ToArray(), file.Matrix.RowBytesOf(r).ToArray());
        }
    }
}
