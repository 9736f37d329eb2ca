using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Storage;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Ingest;

/// <summary>The ingest plan's checks at the edge, the pipeline's stage counters, appends in place and leftovers.</summary>
public sealed class IngestPipelineTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Csv(string name, int first, int rows) => CsvFile.Write(_temp.File(name), ["id", "url", "caption"],
        Enumerable.Range(first, rows).Select(i => new object?[] { i, $"https://h{i % 3}.example/{i % 10}.jpg", $"caption {i % 10} word{i}" }));

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(IngestPlan.MaxBatchRows + 1)]
    public void A_batch_size_out_of_range_is_an_error_not_clamped(int batchRows)
    {
        string csv = Csv("a.csv", 0, 10);
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], BatchRows = batchRows }));
        Assert.Contains($"batch size {batchRows}", e.Message);
        Assert.False(Directory.Exists(_temp.Dataset()) && File.Exists(Path.Combine(_temp.Dataset(), "meta.db")));
    }

    [Theory]
    [InlineData("domain(url", "give the URL column")]
    [InlineData("", "give the URL column")]
    public void A_bad_derive_spec_is_refused_before_anything_is_read(string spec, string message)
    {
        string csv = Csv("a.csv", 0, 10);
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest
        {
            Sources = [csv],
            DeriveDomain = new Dictionary<string, string> { ["host"] = spec },
        }));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void The_report_counts_what_each_stage_and_sink_did()
    {
        // ids 0..99; the where keeps ids < 60; (host, url) repeats every 30 rows, so dedupe keeps ids 0..29.
        string csv = Csv("a.csv", 0, 100);
        var report = DatasetIngest.Run(_temp.Dataset(), new IngestRequest
        {
            Sources = [csv],
            Table = "t",
            Where = "id < 60",
            DeriveDomain = new Dictionary<string, string> { ["host"] = "domain(url)" },
            DedupeColumns = ["host", "url"],
            BatchRows = 7,
        });
        Assert.Equal(100, report.RowsRead);
        Assert.Equal(40, report.RowsFiltered);
        // (host, caption) repeats after lcm(3, 10) = 30 rows: ids 0..29 are kept, 30..59 dropped.
        Assert.Equal(30, report.Duplicates);
        Assert.Equal(30, report.RowsKept);
        Assert.Equal([new IngestStageCounters("where", 100, 60), new IngestStageCounters("derive", 60, 60), new IngestStageCounters("dedupe", 60, 30)], report.Stages);
        Assert.Equal(new IngestStageCounters("table", 30, 30), report.Sinks[0]);
        using var ds = Dataset.Open(_temp.Dataset());
        var hosts = ds.Facet(new TableQuery { Table = "t" }, "host");
        Assert.Equal(["h0.example", "h1.example", "h2.example"], hosts.Values.Select(v => (string)v.Value!).Order());
    }

    [Fact]
    public void An_append_in_place_is_seen_by_an_open_dataset_and_searchable()
    {
        string a = Csv("a.csv", 0, 50), b = Csv("b.csv", 50, 20);
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [a], Table = "t" });
        using var ds = Dataset.Open(_temp.Dataset());
        Assert.Equal(50, ds.CountRows(new TableQuery { Table = "t" }));
        var report = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [b], Table = "t", Mode = IngestMode.Append });
        Assert.Equal(20, report.RowsKept);
        Assert.Equal(70, ds.GetTable("t").RowCount);
        Assert.Equal(70, ds.CountRows(new TableQuery { Table = "t" }));
        // The FTS index took the new rows incrementally: the word of row 65 only exists there.
        Assert.Equal(1, ds.CountRows(new TableQuery { Table = "t", Search = "word65" }));
        Assert.Equal(7, ds.CountRows(new TableQuery { Table = "t", Search = "caption 5" }));
        Assert.DoesNotContain(Directory.EnumerateFiles(_temp.Dataset()), f => DatasetPaths.IsLeftover(Path.GetFileName(f)));
    }

    [Fact]
    public void Leftovers_are_not_counted_while_an_ingest_runs_and_are_removed_at_the_next_open()
    {
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [Csv("a.csv", 0, 50)], Table = "t" });
        long size;
        using (var ds = Dataset.Open(_temp.Dataset()))
            size = ds.SizeOnDisk();
        string dir = _temp.Dataset();
        Directory.CreateDirectory(Path.Combine(dir, "vectors"));
        string[] leftovers =
        [
            Path.Combine(dir, "meta.db.tmp-0123abcd"),
            Path.Combine(dir, "meta.db.tmp-0123abcd-journal"),
            Path.Combine(dir, "vectors", "image.f16.pending-89abcdef"),
            Path.Combine(dir, "vectors", "image.f16.pending-89abcdef.0011.tmp"),
        ];
        foreach (string f in leftovers)
            File.WriteAllBytes(f, new byte[100_000]);

        // An ingest holds the lock: opening leaves its files alone, and the size does not count them.
        using (var ingestRunning = IngestLock.Acquire(dir))
        using (var ds = Dataset.Open(dir))
        {
            Assert.All(leftovers, f => Assert.True(File.Exists(f)));
            Assert.Equal(size, ds.SizeOnDisk());
        }
        // Nobody holds it: the next open removes them.
        using (Dataset.Open(dir))
            Assert.All(leftovers, f => Assert.False(File.Exists(f), f));
    }
}
