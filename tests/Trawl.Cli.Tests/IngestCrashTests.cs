using System.Diagnostics;
using System.Globalization;
using System.Text;
using Trawl.Formats.NumPy;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;
using Trawl.Store.VectorSets;
using Trawl.Vectors.Storage;

namespace Trawl.Cli.Tests;

/// <summary>
/// A second part appended to a dataset by a real `trawl ingest` process, stopped at a named point
/// (TRAWL_TEST_INGEST_PAUSE_AT) and killed there with SIGKILL: the dataset must open in its state before or after
/// the append, with row counts and vector counts agreeing, searches answering and no leftover file.
/// </summary>
public sealed class IngestCrashTests : IDisposable
{
    private const int Dim = 8;
    private const int FirstRows = 3000;
    private const int SecondRows = 10_000;
    private readonly TempFolder _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Theory]
    [InlineData("rows", false)]
    [InlineData("fts", false)]
    [InlineData("vectors", false)]
    [InlineData("commit", true)]
    [InlineData("columns", true)]
    public void Killed_append_leaves_the_old_or_the_new_state_and_no_leftovers(string point, bool committed)
    {
        string dataset = CreateFirstPart();
        using (var ingest = StartSecondPart(point))
        {
            ingest.WaitUntilPaused(point);
            // Nobody reads the dataset, so the append writes through a rollback journal: a hot journal is there to
            // be rolled back (or, past the commit, already gone).
            Assert.Equal(!committed, File.Exists(Path.Combine(dataset, "meta.db-journal")));
            if (point == "columns")
            {
                // The column files already hold the new rows; the manifest still says the old count.
                string manifest = File.ReadAllText(Path.Combine(dataset, "columns", "meta.manifest.json"));
                Assert.Contains($"\"Rows\": {FirstRows},", manifest);
                Assert.True(new FileInfo(Path.Combine(dataset, "columns", "meta.id.i64")).Length > (FirstRows + SecondRows) * 8L);
                // Alone, the append rewrote the dictionaries in place, under a marker that the next open acts on.
                Assert.True(File.Exists(Path.Combine(dataset, "columns", "meta.dict-rewrite")));
            }
            Assert.False(File.Exists(Path.Combine(dataset, "meta.db-wal")) && new FileInfo(Path.Combine(dataset, "meta.db-wal")).Length > 0);
            ingest.Kill();
        }

        long expected = committed ? FirstRows + SecondRows : FirstRows;
        CheckConsistent(dataset, expected);

        // The dataset takes the same part again afterwards (skipped when it is already in).
        CliRun.Of("ingest", dataset, _tmp.Combine("meta_0001.csv"), _tmp.Combine("meta_0002.csv"), "--vectors", "image=" + _tmp.Combine("img_*.npy")).Ok();
        CheckConsistent(dataset, FirstRows + SecondRows);
    }

    [Fact]
    public void A_reader_keeps_answering_during_an_append_and_sees_the_rows_after_the_commit()
    {
        string dataset = CreateFirstPart();
        using var reader = Dataset.Open(dataset);
        Assert.Equal(FirstRows - 1, VectorId(reader, FirstRows - 1));
        using var ingest = StartSecondPart("vectors,commit");
        ingest.WaitUntilPaused("vectors");
        // A reader is open, so the append keeps WAL (a rollback journal, whose file would be here by now, would lock
        // the reader out).
        Assert.False(File.Exists(Path.Combine(dataset, "meta.db-journal")));
        // Everything is written but not committed: the reader still sees the old state, vectors included.
        Assert.Equal(FirstRows, reader.CountRows(new TableQuery { Table = "meta" }));
        Assert.Equal(FirstRows, reader.ListVectorSets().Single().Count);
        KnnAnswers(reader, 5);
        ingest.Continue();
        ingest.WaitUntilPaused("commit");
        // SQLite has committed; the vector file's header is not raised yet, and the reader sees the new rows anyway.
        long after = FirstRows + SecondRows;
        Assert.Equal(after, reader.CountRows(new TableQuery { Table = "meta" }));
        Assert.Equal(after, reader.GetTable("meta").RowCount);
        Assert.Equal(after, reader.ListVectorSets().Single().Count);
        Assert.Equal(after - 1, VectorId(reader, after - 1));
        KnnAnswers(reader, after - 1);
        ingest.Continue();
        Assert.Equal(0, ingest.WaitForExit());
        Assert.Equal(after, reader.CountRows(new TableQuery { Table = "meta", Search = "caption" }));
        using var set = VectorSetFile.Open(Path.Combine(dataset, "vectors", "image.f16"));
        Assert.Equal(after, set.Header.Count);
        set.VerifyChecksum();
    }

    /// <summary>The id a row's vector encodes (see <see cref="WritePart"/>), read from the set as the dataset maps it.</summary>
    private static long VectorId(Dataset ds, long row)
    {
        var query = new float[Dim];
        ds.OpenVectorSet("image").Matrix.CopyRowTo(row, query);
        return (long)query[0] * 128 + (long)query[1];
    }

    /// <summary>kNN answers by row, over the last row too.</summary>
    private static void KnnAnswers(Dataset ds, long row)
    {
        var result = ds.Knn(new KnnQuery { VectorSet = "image", Row = row, K = 3 });
        Assert.Equal(3, result.Rows.Count);
    }

    private void CheckConsistent(string dataset, long expected)
    {
        using (var ds = Dataset.Open(dataset))
        {
            var table = ds.GetTable("meta");
            Assert.Equal(expected, table.RowCount);
            Assert.Equal(expected, ds.CountRows(new TableQuery { Table = "meta" }));
            var set = ds.ListVectorSets().Single();
            Assert.Equal(expected, set.Count);
            Assert.Equal(expected, ds.OpenVectorSet("image").Header.Count);
            // Search and kNN answer, over the last row too; the vector of row i still belongs to row i.
            Assert.Equal(expected, ds.CountRows(new TableQuery { Table = "meta", Search = "caption" }));
            // Filters, sorts and ranked search (the column files' work) see exactly the committed rows.
            Assert.Equal(expected - 100, ds.CountRows(new TableQuery { Table = "meta", Filters = [new ColumnFilter("id", FilterOp.Gte, "100")] }));
            var last = ds.QueryRows(new TableQuery { Table = "meta", Sort = "id", SortDescending = true, Size = 1 });
            Assert.Equal(expected - 1, Convert.ToInt64(last.Rows[0][last.Columns.ToList().IndexOf("id")], CultureInfo.InvariantCulture));
            long word3 = Enumerable.Range(0, (int)expected).Count(i => i % 17 == 3);
            Assert.Equal(word3, ds.CountRows(new TableQuery { Table = "meta", Search = "word3" }));
            var ranked = ds.QueryRows(new TableQuery { Table = "meta", Search = "word3", Size = 5 });
            Assert.Equal(5, ranked.Rows.Count);
            KnnAnswers(ds, expected - 1);
            Assert.Equal(expected - 1, VectorId(ds, expected - 1));
            Assert.Equal(FirstRows - 1, VectorId(ds, FirstRows - 1));
            var row = ds.GetRow("meta", expected - 1)!.Value;
            Assert.Equal(expected - 1, Convert.ToInt64(row.Values[row.Columns.ToList().IndexOf("id")], CultureInfo.InvariantCulture));
        }
        var leftovers = Directory.EnumerateFiles(dataset, "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName)
            .Where(n => n!.Contains(".tmp", StringComparison.Ordinal) || n.Contains(".pending-", StringComparison.Ordinal) || n.EndsWith("-journal", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(leftovers);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dataset, "columns"), "*.dict-rewrite"));
        string vectors = Path.Combine(dataset, "vectors", "image.f16");
        Assert.Equal(VectorSetHeader.Size + expected * Dim * 2, new FileInfo(vectors).Length);
        using var file = VectorSetFile.Open(vectors);
        Assert.Equal(expected, file.Header.Count);
        file.VerifyChecksum();
    }

    private string CreateFirstPart()
    {
        WritePart(1, 0, FirstRows);
        WritePart(2, FirstRows, SecondRows);
        string dataset = _tmp.Combine("d.trawl");
        CliRun.Of("ingest", dataset, _tmp.Combine("meta_0001.csv"), "--vectors", "image=" + _tmp.Combine("img_0001.npy")).Ok();
        return dataset;
    }

    /// <summary>Rows whose id is their rowid, and vectors that encode the id exactly even in float16
    /// (id / 128 and id % 128 in the first two components).</summary>
    private void WritePart(int part, int first, int rows)
    {
        var csv = new StringBuilder("id,url,caption\n");
        var data = new float[rows * Dim];
        for (int i = 0; i < rows; i++)
        {
            int id = first + i;
            csv.Append(CultureInfo.InvariantCulture, $"{id},http://h{id % 5}.example/{id}.jpg,caption number {id} word{id % 17}\n");
            data[i * Dim] = id / 128;
            data[i * Dim + 1] = id % 128;
            for (int d = 2; d < Dim; d++)
                data[i * Dim + d] = 0.25f * ((id + d) % 3);
        }
        string n = part.ToString("D4", CultureInfo.InvariantCulture);
        File.WriteAllText(_tmp.Combine($"meta_{n}.csv"), csv.ToString());
        NpyFile.Write<float>(_tmp.Combine($"img_{n}.npy"), data, rows, Dim);
    }

    private PausedCli StartSecondPart(string pauseAt) => PausedCli.Start(pauseAt,
        "ingest", _tmp.Combine("d.trawl"), _tmp.Combine("meta_0002.csv"), "--append", "--vectors", "image=" + _tmp.Combine("img_0002.npy"));
}
