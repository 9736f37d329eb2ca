using Trawl.Store.Datasets;
using Trawl.Web.Http;
using Trawl.Web.Inventory;

namespace Trawl.Web.Tests;

public sealed class InventoryTests(WebHostFixture fixture) : IClassFixture<WebHostFixture>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("trawl-inventory-").FullName;
    private LocalWebHost Host => fixture.Host;

    public void Dispose() => Directory.Delete(_root, true);

    private InventoryRequest Request(string list, string output, long bucketBytes = 8 << 20) => new()
    {
        UrlsFile = list,
        Output = output,
        WorkBucketBytes = bucketBytes,
        Concurrency = 8,
        Fetch = new FetchOptions { Retries = 0, Timeout = TimeSpan.FromSeconds(5), PerHostLimit = 8 },
    };

    [Fact]
    public void Sizes_statuses_and_folders_land_in_a_dataset_and_a_rerun_asks_only_new_urls()
    {
        string b = Host.BaseUrl + "/files/redpajama/v1.0.0/";
        string[] files = ["wikipedia/wiki.jsonl", "book/book.jsonl", "c4/c4-train.00000-of-01024.jsonl", "c4/c4-train.00001-of-01024.jsonl",
            "common_crawl/2023-06/en_head_0000.json.gz.dedup.classifier.jsonl.zst", "common_crawl/2020-05/en_head_0001.jsonl.zst"];
        string list = Path.Combine(_root, "urls.txt");
        File.WriteAllLines(list, [.. files.Select(f => b + f), "# a comment", "", "ftp://127.0.0.1/x", b + "wikipedia/wiki.jsonl"]);
        string output = Path.Combine(_root, "sizes.trawl");

        var report = UrlInventory.Run(Request(list, output));
        Assert.Equal(7, report.Urls);
        Assert.Equal(6, report.Answered);
        Assert.Equal(1, report.Failed);
        Assert.Equal(files.Sum(f => LocalWebHost.FileSize("redpajama/v1.0.0/" + f)), report.TotalBytes);
        Assert.Equal(1, Host.Hits["/files/redpajama/v1.0.0/wikipedia/wiki.jsonl"]);

        using (var ds = Dataset.Open(output))
        {
            var sum = ds.ExecuteSql("SELECT count(*), sum(size), count(status) FROM inventory");
            Assert.Equal(7L, sum.Rows[0][0]);
            Assert.Equal(report.TotalBytes, sum.Rows[0][1]);
            Assert.Equal(6L, sum.Rows[0][2]);
            var folders = ds.ExecuteSql("SELECT top_folders, count(*) FROM inventory WHERE top_folder = 'common_crawl' GROUP BY top_folders ORDER BY 1");
            Assert.Equal("common_crawl/2020-05", folders.Rows[0][0]);
            Assert.Equal("common_crawl/2023-06", folders.Rows[1][0]);
            var row = ds.ExecuteSql("SELECT path, status, content_type, last_modified, method FROM inventory WHERE url LIKE '%wiki.jsonl'");
            Assert.Equal("wikipedia/wiki.jsonl", row.Rows[0][0]);
            Assert.Equal(200L, row.Rows[0][1]);
            Assert.Equal("application/json", row.Rows[0][2]);
            Assert.Equal("Mon, 17 Apr 2023 10:00:00 GMT", row.Rows[0][3]);
            Assert.Equal("HEAD", row.Rows[0][4]);
            var bad = ds.ExecuteSql("SELECT status, error FROM inventory WHERE url LIKE 'ftp:%'");
            Assert.Null(bad.Rows[0][0]);
            Assert.Contains("not an http(s) URL", (string)bad.Rows[0][1]!);
        }

        // A rerun with two more URLs (one whose HEAD is refused) asks only those.
        File.AppendAllLines(list, [b + "arxiv/arxiv_0001.jsonl", Host.BaseUrl + "/head-refused/777"]);
        var again = UrlInventory.Run(Request(list, output));
        Assert.Equal(2, again.Requested);
        Assert.Equal(7, again.Resumed);
        Assert.Equal(1, Host.Hits["/files/redpajama/v1.0.0/wikipedia/wiki.jsonl"]);
        using (var ds = Dataset.Open(output))
        {
            var r = ds.ExecuteSql("SELECT size, method, status FROM inventory WHERE url LIKE '%head-refused%'");
            Assert.Equal(777L, r.Rows[0][0]);
            Assert.Equal("GET", r.Rows[0][1]);
            Assert.Equal(9L, ds.ExecuteSql("SELECT count(*) FROM inventory").Rows[0][0]);
        }
    }

    [Fact]
    public void Network_failures_are_asked_again_and_a_torn_journal_line_is_ignored()
    {
        string list = Path.Combine(_root, "urls.txt");
        string good = Host.BaseUrl + "/files/a/1.bin";
        File.WriteAllLines(list, [good]);
        string output = Path.Combine(_root, "s.trawl");
        // A journal from an interrupted run: a timeout for the URL (no answer) and a line cut short.
        File.WriteAllText(UrlInventory.JournalPath(output),
            $$"""{"url":"{{good}}","status":null,"size":null,"content_type":null,"last_modified":null,"method":"HEAD","error":"timed out"}""" + "\n{\"url\":\"htt");
        var report = UrlInventory.Run(Request(list, output));
        Assert.Equal(1, report.Requested);
        Assert.Equal(1, report.Answered);
    }

    [Fact]
    public void Many_small_buckets_give_the_table_one_bucket_gives_in_list_order_and_leave_no_work_files()
    {
        // 300 URLs with repeats, a comment, a bad URL and failures, split into about 60 buckets or into one.
        var lines = new List<string> { "# sizes" };
        for (int i = 0; i < 300; i++)
            lines.Add(i % 50 == 7 ? "ftp://127.0.0.1/" + i : i % 41 == 3 ? Host.BaseUrl + "/status/404" : Host.BaseUrl + $"/files/d/{i % 250}/{i}.bin");
        lines.Insert(100, lines[20]);
        string list = Path.Combine(_root, "urls.txt");
        File.WriteAllLines(list, lines);
        long listBytes = new FileInfo(list).Length;

        string one = Path.Combine(_root, "one.trawl"), many = Path.Combine(_root, "many.trawl");
        var a = UrlInventory.Run(Request(list, one));
        var b = UrlInventory.Run(Request(list, many, bucketBytes: listBytes / 60));
        Assert.Equal(a.Urls, b.Urls);
        Assert.Equal(lines.Skip(1).Distinct().Count(), (int)b.Urls);
        Assert.Equal((a.Answered, a.Failed, a.TotalBytes), (b.Answered, b.Failed, b.TotalBytes));
        string Table(string d)
        {
            using var ds = Dataset.Open(d);
            var r = ds.ExecuteSql("SELECT url, status, size, path, top_folder, error FROM inventory ORDER BY rowid");
            return string.Join("\n", r.Rows.Select(row => string.Join("|", row)));
        }
        string expected = Table(one);
        Assert.Equal(expected, Table(many));
        // Rows come in list order (first occurrence of each URL).
        using (var ds = Dataset.Open(many))
        {
            var urls = ds.ExecuteSql("SELECT url FROM inventory ORDER BY rowid").Rows.Select(r => (string)r[0]!).ToList();
            Assert.Equal(lines.Skip(1).Distinct().ToList(), urls);
        }

        // A run killed before its end leaves its work folder; the next run removes it and resumes from the journal.
        string stale = Path.Combine(_root, ".many.trawl.inventory-work");
        Assert.False(Directory.Exists(stale));
        Directory.CreateDirectory(stale);
        File.WriteAllText(Path.Combine(stale, "list.0"), "garbage");
        var c = UrlInventory.Run(Request(list, many, bucketBytes: listBytes / 7));
        Assert.Equal(0, c.Requested);
        Assert.Equal(b.Urls, c.Resumed);
        Assert.Equal(expected, Table(many));
        Assert.False(Directory.Exists(stale));
        Assert.Empty(Directory.GetFiles(_root, ".*", SearchOption.TopDirectoryOnly));
    }
}
