using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Datasets;

public sealed class DatasetTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_refuses_missing_folders_and_folders_without_meta_db()
    {
        var e = Assert.Throws<UserErrorException>(() => Dataset.Open(_temp.File("nothing")));
        Assert.Contains("no such dataset", e.Message);
        Directory.CreateDirectory(_temp.File("empty.trawl"));
        e = Assert.Throws<UserErrorException>(() => Dataset.Open(_temp.File("empty.trawl")));
        Assert.Contains("not a Trawl dataset", e.Message);
    }

    [Fact]
    public void Open_of_a_corrupted_meta_db_is_a_user_error()
    {
        Directory.CreateDirectory(_temp.Dataset());
        File.WriteAllBytes(Path.Combine(_temp.Dataset(), "meta.db"), Enumerable.Range(0, 8192).Select(i => (byte)(i * 7)).ToArray());
        var e = Assert.Throws<UserErrorException>(() => Dataset.Open(_temp.Dataset()));
        Assert.Contains("meta.db", e.Message);
    }

    [Fact]
    public void Open_of_a_truncated_meta_db_is_a_user_error()
    {
        string csv = CsvFile.Write(_temp.File("a.csv"), ["x", "caption"], Enumerable.Range(0, 2000).Select(i => new object?[] { (long)i, "caption number " + i }));
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv] });
        string meta = Path.Combine(_temp.Dataset(), "meta.db");
        byte[] bytes = File.ReadAllBytes(meta);
        File.WriteAllBytes(meta, bytes[..(bytes.Length / 3)]);
        // Either opening or the first full read reports it; never a crash or a silently short answer.
        var e = Record.Exception(() =>
        {
            using var ds = Dataset.Open(_temp.Dataset());
            ds.StreamRows(new TableQuery { Table = "a" }, out _).Count();
            ds.CountRows(new TableQuery { Table = "a", Search = "caption" });
        });
        Assert.NotNull(e);
        Assert.True(e is UserErrorException, e.ToString());
        Assert.Contains("meta.db", e.Message);
    }

    [Fact]
    public void Ingest_of_a_missing_source_is_a_user_error_and_creates_nothing()
    {
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [_temp.File("nope.csv")] }));
        Assert.Contains("nope.csv", e.Message);
        Assert.False(File.Exists(Path.Combine(_temp.Dataset(), "meta.db")));
    }

    [Fact]
    public void Name_directory_and_size_describe_the_folder()
    {
        string csv = CsvFile.Write(_temp.File("a.csv"), ["x", "caption"], [[1L, "hello"]]);
        DatasetIngest.Run(_temp.File("my"), new IngestRequest { Sources = [csv] });
        using var ds = Dataset.Open(_temp.File("my.trawl"));
        Assert.Equal("my", ds.Name);
        Assert.Equal(_temp.File("my.trawl"), ds.Directory);
        Assert.True(ds.SizeOnDisk() >= new FileInfo(Path.Combine(ds.Directory, "meta.db")).Length);
    }

    [Fact]
    public void Queries_from_many_threads_at_once_agree()
    {
        var rows = new GeneratedRows(1000);
        string csv = CsvFile.Write(_temp.File("items.csv"), GeneratedRows.Header, rows.Rows);
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv] });
        using var ds = Dataset.Open(_temp.Dataset());
        long expected = rows.Rows.Count(r => GeneratedRows.HasWord((string)r[1]!, "piano"));
        var results = new long[64];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var page = ds.QueryRows(new TableQuery { Table = "items", Search = "piano", Size = 10 });
            var facet = ds.Facet(new TableQuery { Table = "items", Search = "piano" }, "category");
            Assert.Equal(page.Count, facet.Values.Sum(v => v.Count));
            results[i] = page.Count ?? -1;
        });
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void An_open_dataset_sees_tables_added_by_a_later_ingest()
    {
        string a = CsvFile.Write(_temp.File("a.csv"), ["x", "caption"], [[1L, "hello"]]);
        string b = CsvFile.Write(_temp.File("b.csv"), ["y", "caption"], [[2L, "world"], [3L, "again"]]);
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [a] });
        using var ds = Dataset.Open(_temp.Dataset());
        Assert.Equal(["a"], ds.ListTables().Select(t => t.Name));
        var stream = ds.StreamRows(new TableQuery { Table = "a" }, out _).GetEnumerator();
        Assert.True(stream.MoveNext()); // a reader in the middle of an export while the ingest runs

        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [b] });
        Assert.False(stream.MoveNext());
        stream.Dispose();
        Assert.Equal(["a", "b"], ds.ListTables().Select(t => t.Name));
        Assert.Equal(2, ds.CountRows(new TableQuery { Table = "b" }));
        Assert.Equal(1, ds.CountRows(new TableQuery { Table = "b", Search = "world" }));
    }
}
