using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Trawl.Formats.Parquet;
using Trawl.Formats.Parquet.Writing;
using Trawl.Formats.Tables;
using Trawl.Testing;

namespace Trawl.Formats.Tests.Parquet.Writing;

public class ParquetFileWriterTests
{
    private static readonly ParquetWriteColumn[] Columns =
    [
        new("id", ColumnType.Int64),
        new("caption", ColumnType.Text),
        new("category", ColumnType.Text),
        new("similarity", ColumnType.Double),
        new("nsfw", ColumnType.Boolean),
        new("taken", ColumnType.Timestamp),
        new("tags", ColumnType.Json),
    ];

    /// <summary>Rows with nulls in every column, repeated categories (dictionary) and unique captions (plain fallback), non-ASCII text.</summary>
    private static List<object?[]> Generate(int rows, int seed)
    {
        var random = new Random(seed);
        var list = new List<object?[]>();
        for (int i = 0; i < rows; i++)
        {
            bool Null() => random.Next(10) == 0;
            list.Add([
                Null() ? null : (long)i * (i % 2 == 0 ? 1 : -1_000_000_007L),
                Null() ? null : $"caption {i} — café {random.Next()} " + new string('x', random.Next(80)),
                Null() ? null : "cat" + random.Next(20),
                Null() ? null : Math.Round(random.NextDouble() * 2 - 1, 6),
                Null() ? null : random.Next(2) == 0,
                Null() ? null : 1_600_000_000_000_000L + random.NextInt64(100_000_000_000_000L),
                Null() ? null : $"[{random.Next(5)},\"t{random.Next(9)}\"]",
            ]);
        }
        return list;
    }

    private static void Write(string path, List<object?[]> rows, ParquetWriterOptions options)
    {
        using var stream = File.Create(path);
        using var writer = ParquetFileWriter.Create(stream, Columns, options);
        WriteRows(writer, rows);
    }

    /// <summary>Writes each row's values by type, then finishes the file.</summary>
    private static void WriteRows(ParquetFileWriter writer, IEnumerable<object?[]> rows)
    {
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Length; c++)
            {
                switch (row[c])
                {
                    case null: writer.WriteNull(c); break;
                    case long v: writer.WriteInt64(c, v); break;
                    case double v: writer.WriteDouble(c, v); break;
                    case bool v: writer.WriteBoolean(c, v); break;
                    case string v: writer.WriteString(c, v); break;
                }
            }
            writer.EndRow();
        }
        writer.Finish();
    }

    /// <summary>A value as text the way a reader of the file should see it (timestamps as ISO 8601 in UTC).</summary>
    private static string Expected(object? v, int column) => v switch
    {
        null => "null",
        long micros when column == 5 => DateTime.UnixEpoch.AddTicks(micros * 10).ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => (string)v,
    };

    private static string Ours(object? v) => v switch
    {
        null => "null",
        byte[] b => Encoding.UTF8.GetString(b),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString()!,
    };

    private static string NormalizeTimestamp(string s) =>
        DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)
            : s;

    public static IEnumerable<object[]> Compressions() => Enum.GetValues<ParquetWriteCompression>().Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(Compressions))]
    public void Our_reader_reads_back_every_value_over_several_row_groups_and_pages(ParquetWriteCompression compression)
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "t.parquet");
        var rows = Generate(2500, seed: (int)compression);
        Write(path, rows, new ParquetWriterOptions { Compression = compression, RowGroupRows = 1000, PageRows = 300 });
        var back = ParquetTestData.ReadAll(path);
        Assert.Equal(rows.Count, back.Count);
        using var reader = ParquetTableReader.Open(path);
        Assert.Equal(Columns.Select(c => c.Name), reader.Schema.Columns.Select(c => c.Name));
        for (int r = 0; r < rows.Count; r++)
            for (int c = 0; c < Columns.Length; c++)
            {
                string expected = Expected(rows[r][c], c);
                string ours = Ours(back[r][c]);
                if (c == 5) ours = NormalizeTimestamp(ours);
                Assert.True(expected == ours, $"row {r} column {Columns[c].Name}: wrote {expected}, read {ours}");
            }
    }

    [Fact]
    public void An_empty_file_and_plain_only_files_read_back()
    {
        using var temp = new TempDirectory();
        string empty = Path.Combine(temp.Path, "empty.parquet");
        Write(empty, [], new ParquetWriterOptions());
        Assert.Empty(ParquetTestData.ReadAll(empty));
        string plain = Path.Combine(temp.Path, "plain.parquet");
        var rows = Generate(700, seed: 9);
        Write(plain, rows, new ParquetWriterOptions { Dictionary = false, Compression = ParquetWriteCompression.None });
        Assert.Equal(rows.Select(r => Expected(r[2], 2)), ParquetTestData.ReadAll(plain).Select(r => Ours(r[2])));
    }

    [Fact]
    public void A_chunk_that_starts_distinct_and_then_repeats_reads_back_and_a_repetitive_one_keeps_its_dictionary()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "switch.parquet");
        // 20,000 distinct values, then 30,000 repeats: past the 16,384-value sample the chunk gives up its dictionary.
        var rows = Enumerable.Range(0, 50_000).Select(i => new object?[] { (long)i, i < 20_000 ? $"caption {i}" : "cat" + (i % 7), "cat" + (i % 3), null, null, null, null }).ToList();
        Write(path, rows, new ParquetWriterOptions { RowGroupRows = 60_000 });
        var back = ParquetTestData.ReadAll(path);
        Assert.Equal(rows.Select(r => (string)r[1]!), back.Select(r => Ours(r[1])));
        Assert.Equal(rows.Select(r => (string)r[2]!), back.Select(r => Ours(r[2])));
        byte[] file = File.ReadAllBytes(path);
        int footer = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        var meta = Trawl.Formats.Parquet.Metadata.ParquetMetadataParser.ParseFileMetadata(file.AsSpan(file.Length - 8 - footer, footer));
        var chunks = meta.RowGroups[0].Columns;
        Assert.DoesNotContain(Trawl.Formats.Parquet.Metadata.ParquetEncoding.RleDictionary, chunks[1].Encodings);
        Assert.Contains(Trawl.Formats.Parquet.Metadata.ParquetEncoding.RleDictionary, chunks[2].Encodings);
    }

    [Fact]
    public void A_row_missing_a_value_and_bad_columns_are_refused()
    {
        using var stream = new MemoryStream();
        using var writer = ParquetFileWriter.Create(stream, Columns);
        writer.WriteInt64(0, 1);
        var e = Assert.Throws<InvalidOperationException>(writer.EndRow);
        Assert.Contains("caption", e.Message);
        Assert.Throws<InvalidOperationException>(() => writer.WriteDouble(0, 1.5));
        Assert.Throws<ArgumentException>(() => ParquetFileWriter.Create(new MemoryStream(), [new("a", ColumnType.Int64), new("a", ColumnType.Text)]));
        Assert.Throws<ArgumentException>(() => ParquetFileWriter.Create(new MemoryStream(), [new("a", ColumnType.Any)]));
    }

    /// <summary>The same rows as typed column batches, the way an export hands them over (booleans as ValueKind.Boolean).</summary>
    private static ColumnBatch Batch(List<object?[]> rows, int from, int count)
    {
        var batch = new ColumnBatch(Columns.Length, count);
        for (int r = from; r < from + count; r++)
            for (int c = 0; c < Columns.Length; c++)
            {
                var lane = batch.Columns[c];
                switch (rows[r][c])
                {
                    case null: lane.AppendNull(); break;
                    case long v: lane.AppendInt64(v); break;
                    case double v: lane.AppendDouble(v); break;
                    case bool v: lane.AppendBoolean(v); break;
                    case string v when c == 6: lane.AppendJson(Encoding.UTF8.GetBytes(v)); break;
                    case string v: lane.AppendText(v); break;
                }
            }
        batch.RowCount = count;
        return batch;
    }

    [Theory]
    [MemberData(nameof(Compressions))]
    public void Column_runs_write_the_same_bytes_as_row_by_row_writes(ParquetWriteCompression compression)
    {
        using var temp = new TempDirectory();
        var options = new ParquetWriterOptions { Compression = compression, RowGroupRows = 700, PageRows = 300 };
        var rows = Generate(2900, seed: 70 + (int)compression);
        // An integer in the double column and a double in the integer column stop a run: the caller converts them.
        rows[5][3] = 42L;
        rows[1234][0] = 3.0;
        string byRow = Path.Combine(temp.Path, "rows.parquet");
        var converted = rows.Select(r => (object?[])r.Clone()).ToList();
        converted[5][3] = 42.0;
        converted[1234][0] = 3L;
        Write(byRow, converted, options);

        string byRun = Path.Combine(temp.Path, "runs.parquet");
        int stops = 0;
        using (var stream = File.Create(byRun))
        using (var writer = ParquetFileWriter.Create(stream, Columns, options))
        {
            // Batches of 1,000 rows cross row-group boundaries; each run stops at RowsLeftInGroup.
            for (int first = 0; first < rows.Count; first += 1000)
            {
                var batch = Batch(rows, first, Math.Min(1000, rows.Count - first));
                for (int start = 0; start < batch.RowCount;)
                {
                    int n = Math.Min(batch.RowCount - start, writer.RowsLeftInGroup);
                    for (int c = 0; c < Columns.Length; c++)
                        for (int r = start; r < start + n;)
                        {
                            r += writer.WriteValues(c, batch.Columns[c], r, start + n - r);
                            if (r == start + n) break;
                            stops++;
                            var lane = batch.Columns[c];
                            if (lane.KindAt(r) == ValueKind.Int64) writer.WriteDouble(c, lane.Int64At(r));
                            else writer.WriteInt64(c, (long)lane.DoubleAt(r));
                            r++;
                        }
                    writer.EndRows(n);
                    start += n;
                }
            }
            writer.Finish();
        }
        Assert.Equal(2, stops);
        Assert.Equal(File.ReadAllBytes(byRow), File.ReadAllBytes(byRun));
    }

    [Fact]
    public void Runs_longer_than_the_row_group_or_uneven_across_columns_are_refused()
    {
        using var writer = ParquetFileWriter.Create(new MemoryStream(), Columns, new ParquetWriterOptions { RowGroupRows = 10 });
        var batch = Batch(Generate(12, seed: 3), 0, 12);
        for (int c = 0; c < Columns.Length; c++) writer.WriteValues(c, batch.Columns[c], 0, c == 2 ? 3 : 4);
        var e = Assert.Throws<InvalidOperationException>(() => writer.EndRows(4));
        Assert.Contains("category", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.EndRows(11));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteValues(0, batch.Columns[0], 10, 3));
    }

    /// <summary>A file stream on a disk that fills up after a number of bytes.</summary>
    private sealed class FullDiskStream(int capacity) : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Length + count > capacity) throw new IOException("No space left on device");
            base.Write(buffer, offset, count);
        }
    }

    [Fact]
    public void A_write_error_in_a_background_row_group_reaches_the_caller_and_dispose_returns()
    {
        var rows = Generate(5000, seed: 11);
        var stream = new FullDiskStream(20_000);
        var writer = ParquetFileWriter.Create(stream, Columns, new ParquetWriterOptions { RowGroupRows = 500 });
        var error = Assert.Throws<IOException>(() => WriteRows(writer, rows));
        Assert.Contains("No space", error.Message);
        writer.Dispose();
    }

    [SkippableTheory]
    [MemberData(nameof(Compressions))]
    public void DuckDB_reads_back_the_same_values(ParquetWriteCompression compression)
    {
        string node = Requirements.Executable("node", "apt-get install nodejs");
        string modules = Environment.GetEnvironmentVariable("TRAWL_DUCKDB_NODE_PATH")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "trawl-peers", "node_modules");
        Requirements.Require(Directory.Exists(Path.Combine(modules, "@duckdb", "node-api")), "@duckdb/node-api is not installed (.ci/run installs it and sets TRAWL_DUCKDB_NODE_PATH)");
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "t.parquet");
        var rows = Generate(1500, seed: 40 + (int)compression);
        Write(path, rows, new ParquetWriterOptions { Compression = compression, RowGroupRows = 600, PageRows = 250 });
        string script = Path.Combine(temp.Path, "rows.js");
        // Timestamps as text in UTC and doubles as JSON numbers, so both sides print the same.
        File.WriteAllText(script, """
            const { DuckDBInstance } = require('@duckdb/node-api');
            (async () => {
              const db = await DuckDBInstance.create(':memory:');
              const con = await db.connect();
              await con.run("SET TimeZone = 'UTC'");
              const r = await con.runAndReadAll(`SELECT id::VARCHAR AS id, caption, category, similarity, nsfw, strftime(taken, '%Y-%m-%d %H:%M:%S.%f') AS taken, tags FROM '${process.argv[2]}'`);
              for (const row of r.getRowObjectsJson()) process.stdout.write(JSON.stringify(row) + '\n');
            })().catch(e => { console.error(e.message); process.exit(1); });
            """);
        var psi = new ProcessStartInfo(node, [script, path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["NODE_PATH"] = modules;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "node did not finish");
        Assert.True(p.ExitCode == 0, stderr);
        var lines = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(rows.Count, lines.Length);
        for (int r = 0; r < rows.Count; r++)
        {
            using var doc = JsonDocument.Parse(lines[r]);
            int c = 0;
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                string duck = prop.Value.ValueKind switch
                {
                    JsonValueKind.Null => "null",
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Number => prop.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                    _ => prop.Value.GetString()!,
                };
                string expected = Expected(rows[r][c], c);
                Assert.True(expected == duck, $"row {r} column {prop.Name}: wrote {expected}, DuckDB read {duck}");
                c++;
            }
        }
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("trawl-parquet-writer-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
