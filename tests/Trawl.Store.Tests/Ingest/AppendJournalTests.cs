using Microsoft.Data.Sqlite;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Storage;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Ingest;

/// <summary>An append writes through a rollback journal when nobody reads the dataset (so its extra disk is only the
/// changed old pages) and through WAL when a reader is open (so the reader goes on answering).</summary>
public sealed class AppendJournalTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Part(string name, int first, int count)
    {
        var lines = new List<string> { "id,caption" };
        for (int i = first; i < first + count; i++)
            lines.Add($"{i},caption number {i} of the part");
        string path = _temp.File(name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private IngestReport Append(string csv) =>
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], Table = "t", Mode = IngestMode.Append, SearchColumns = ["caption"] });

    private static string JournalMode(string dataset)
    {
        using var conn = new SqliteConnection($"Data Source={Path.Combine(dataset, "meta.db")};Mode=ReadOnly;Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        return (string)cmd.ExecuteScalar()!;
    }

    [Fact]
    public void With_nobody_reading_an_append_uses_a_rollback_journal_and_leaves_wal_and_no_journal_file()
    {
        var created = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [Part("a.csv", 0, 2000)], Table = "t", SearchColumns = ["caption"] });
        Assert.Equal(AppendJournal.NewDataset, created.Journal);

        var report = Append(Part("b.csv", 2000, 3000));

        Assert.Equal(AppendJournal.RollbackJournal, report.Journal);
        Assert.Equal("wal", JournalMode(_temp.Dataset()));
        Assert.False(File.Exists(Path.Combine(_temp.Dataset(), "meta.db-journal")));
        using var ds = Dataset.Open(_temp.Dataset());
        Assert.Equal(5000, ds.CountRows(new TableQuery { Table = "t" }));
        Assert.Equal(1, ds.CountRows(new TableQuery { Table = "t", Search = "4999" }));
    }

    [Fact]
    public void With_a_reader_open_an_append_keeps_wal_and_the_reader_sees_the_new_rows()
    {
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [Part("a.csv", 0, 2000)], Table = "t", SearchColumns = ["caption"] });
        using var reader = Dataset.Open(_temp.Dataset());
        Assert.Equal(2000, reader.CountRows(new TableQuery { Table = "t" }));

        var report = Append(Part("b.csv", 2000, 1000));

        Assert.Equal(AppendJournal.WriteAheadLog, report.Journal);
        Assert.Equal(3000, reader.CountRows(new TableQuery { Table = "t" }));
        Assert.Equal("wal", JournalMode(_temp.Dataset()));
    }

    [Fact]
    public void A_failed_rollback_journal_append_leaves_the_old_rows_and_wal()
    {
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [Part("a.csv", 0, 2000)], Table = "t", SearchColumns = ["caption"] });
        string bad = Part("bad.csv", 2000, 3000);
        File.AppendAllText(bad, "1,2,3\n");

        Assert.ThrowsAny<Exception>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [bad], Table = "t", Mode = IngestMode.Append, BatchRows = 500 }));

        Assert.Equal("wal", JournalMode(_temp.Dataset()));
        Assert.False(File.Exists(Path.Combine(_temp.Dataset(), "meta.db-journal")));
        using var ds = Dataset.Open(_temp.Dataset());
        Assert.Equal(2000, ds.CountRows(new TableQuery { Table = "t" }));
    }

    [Fact]
    public void Readers_and_an_exclusive_append_exclude_each_other()
    {
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [Part("a.csv", 0, 10)], Table = "t" });
        using (var reader = Dataset.Open(_temp.Dataset()))
            Assert.Null(ReaderPresence.TryAlone(_temp.Dataset()));

        using var alone = ReaderPresence.TryAlone(_temp.Dataset());
        Assert.NotNull(alone);
        var e = Assert.Throws<UserErrorException>(() => Dataset.Open(_temp.Dataset()));
        Assert.Contains(_temp.Dataset(), e.Message, StringComparison.Ordinal);
        Assert.Contains("append", e.Message, StringComparison.Ordinal);
    }

    private string KindPart(string name, int first, int count, int kinds)
    {
        var lines = new List<string> { "id,kind,caption" };
        for (int i = first; i < first + count; i++)
            lines.Add($"{i},kind{i % kinds},caption number {i}");
        string path = _temp.File(name);
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>Whether a handle opened on the dictionary before an append still reads what the path holds after it.</summary>
    private static bool SameFileAfter(string dict, Action append)
    {
        using var before = new FileStream(dict, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        append();
        var through = new MemoryStream();
        before.Position = 0;
        before.CopyTo(through);
        return through.ToArray().AsSpan().SequenceEqual(File.ReadAllBytes(dict));
    }

    [Fact]
    public void Alone_an_append_rewrites_dictionaries_in_place_and_with_a_reader_beside_them()
    {
        string dataset = _temp.Dataset();
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [KindPart("a.csv", 0, 500, 3)], Table = "t", SearchColumns = ["caption"] });
        string dict = Path.Combine(dataset, "columns", "t.kind.dict");
        Assert.True(File.Exists(dict));
        TableQuery all = new() { Table = "t" };

        // Alone: the same file now holds the grown dictionary, and no marker is left.
        Assert.True(SameFileAfter(dict, () => DatasetIngest.Run(dataset, new IngestRequest
        {
            Sources = [KindPart("b.csv", 500, 500, 5)], Table = "t", Mode = IngestMode.Append, SearchColumns = ["caption"],
        })));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dataset, "columns"), "*.dict-rewrite"));
        using (var ds = Dataset.Open(dataset))
        {
            var facet = ds.Facet(all, "kind");
            Assert.Equal(5, facet.Values.Count);
            Assert.Equal(1000, facet.Values.Sum(v => v.Count));
            Assert.Equal(100, facet.Values.Single(v => (string)v.Value! == "kind4").Count);
        }

        // With a reader open the dictionary is written beside and renamed: the reader's mapping keeps the old file.
        using var reader = Dataset.Open(dataset);
        Assert.Equal(5, reader.Facet(all, "kind").Values.Count);
        Assert.False(SameFileAfter(dict, () => DatasetIngest.Run(dataset, new IngestRequest
        {
            Sources = [KindPart("c.csv", 1000, 700, 7)], Table = "t", Mode = IngestMode.Append, SearchColumns = ["caption"],
        })));
        var after = reader.Facet(all, "kind");
        Assert.Equal(7, after.Values.Count);
        Assert.Equal(1700, after.Values.Sum(v => v.Count));
    }

    [Fact]
    public void A_dictionary_rewrite_cut_short_is_ignored_by_readers_and_rebuilt_at_the_next_open()
    {
        string dataset = _temp.Dataset();
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [KindPart("a.csv", 0, 600, 4)], Table = "t", SearchColumns = ["caption"] });
        // What a crash in the middle of the in-place rewrite leaves: the marker, and a torn dictionary.
        string columns = Path.Combine(dataset, "columns");
        string dict = Path.Combine(columns, "t.kind.dict");
        File.WriteAllBytes(Path.Combine(columns, "t.dict-rewrite"), []);
        byte[] bytes = File.ReadAllBytes(dict);
        File.WriteAllBytes(dict, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        // Without the lock a reader cannot repair: it answers from the rows.
        using (var ingest = IngestLock.Acquire(dataset))
        using (var reader = Dataset.Open(dataset))
        {
            Assert.True(File.Exists(Path.Combine(columns, "t.dict-rewrite")));
            var facet = reader.Facet(new TableQuery { Table = "t" }, "kind");
            Assert.Equal(4, facet.Values.Count);
            Assert.Equal(150, facet.Values.Single(v => (string)v.Value! == "kind3").Count);
        }
        // The next open holds the lock and rebuilds the table's column files.
        using (var ds = Dataset.Open(dataset))
        {
            Assert.False(File.Exists(Path.Combine(columns, "t.dict-rewrite")));
            Assert.Equal(4, ds.Facet(new TableQuery { Table = "t" }, "kind").Values.Count);
        }
        Assert.True(new FileInfo(dict).Length > bytes.Length / 2);
    }
}
