using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SkiaSharp;

namespace Trawl.Cli.Tests;

/// <summary><c>trawl inventory</c>, <c>trawl download</c> and <c>trawl ingest SHARDS/*.tar</c> end to end, against a small
/// HTTP server on a free loopback port.</summary>
public sealed class WebCommandTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private string _base = "";
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _hits = new();
    private readonly TempFolder _temp = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/img/{seed:int}.jpg", (int seed) => Results.Bytes(Jpeg(300, 200, seed), "image/jpeg"));
        _app.MapMethods("/data/{**path}", [HttpMethods.Head], (HttpContext c) => { c.Response.ContentLength = 5000; return Task.CompletedTask; });
        _app.MapGet("/slow/{seed:int}.jpg", async (int seed, CancellationToken ct) =>
        {
            _hits.AddOrUpdate($"/slow/{seed}.jpg", 1, (_, n) => n + 1);
            await Task.Delay(40, ct);
            return Results.Bytes(Jpeg(60, 40, seed), "image/jpeg");
        });
        _app.MapMethods("/slowhead/{i:int}", [HttpMethods.Head], async (HttpContext c, int i) =>
        {
            _hits.AddOrUpdate($"/slowhead/{i}", 1, (_, n) => n + 1);
            await Task.Delay(20);
            c.Response.ContentLength = 1000 + i;
        });
        await _app.StartAsync();
        _base = _app.Urls.Single();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _temp.Dispose();
    }

    private static byte[] Jpeg(int w, int h, int seed)
    {
        using var bitmap = new SKBitmap(w, h);
        bitmap.Erase(new SKColor((byte)(seed * 40), 120, 200));
        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    [Fact]
    public void Download_then_ingest_the_shards_and_facet_them()
    {
        string csv = _temp.File("pairs.csv", "url,caption\n" + string.Join("\n", Enumerable.Range(0, 5).Select(i => $"{_base}/img/{i}.jpg,picture {i}")) + "\nftp://x/y.jpg,never fetched\n");
        string ds = _temp.Combine("pairs.trawl");
        CliRun.Of("ingest", ds, csv, "--table", "pairs").Ok();
        string shards = _temp.Combine("shards");
        var run = CliRun.Of("download", ds, "--url-column", "url", "--caption-column", "caption", "--out", shards, "--image-size", "32", "--shard-size", "4", "--json").Ok();
        var report = run.Json();
        Assert.Equal(2, report.GetProperty("shards").GetInt32());
        Assert.Equal(5, report.GetProperty("successes").GetInt32());
        Assert.Equal(1, report.GetProperty("failed_to_download").GetInt32());
        // Run again: every shard is done, nothing is fetched.
        Assert.Equal(2, CliRun.Of("download", ds, "--url-column", "url", "--out", shards, "--shard-size", "4", "--json").Ok().Json().GetProperty("shards_resumed").GetInt32());

        string browse = _temp.Combine("browse.trawl");
        CliRun.Of("ingest", browse, Path.Combine(shards, "*.tar"), "--table", "images").Ok();
        var sql = CliRun.Of("sql", browse, "SELECT count(*) AS n, min(width) AS w, min(image_format) AS f FROM images", "--json").Ok();
        var row = sql.Json().GetProperty("rows")[0];
        Assert.Equal(5, row[0].GetInt32());
        Assert.Equal(32, row[1].GetInt32());
        Assert.Equal("jpg", row[2].GetString());
    }

    [Fact]
    public void Ingest_of_shards_leaves_out_refused_and_damaged_members_names_them_and_keeps_the_rest()
    {
        string folder = _temp.Combine("bad-shards");
        Directory.CreateDirectory(folder);
        byte[] jpeg = Jpeg(20, 10, 1);
        using (var file = File.Create(Path.Combine(folder, "00000.tar")))
        using (var writer = new System.Formats.Tar.TarWriter(file, System.Formats.Tar.TarEntryFormat.Ustar))
        {
            void Add(string name, byte[] data) =>
                writer.WriteEntry(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            Add("000000000.jpg", jpeg);
            Add("000000000.json", "{\"url\": \"http://h/0.jpg\", \"width\": 20}"u8.ToArray());
            Add("../000000001.jpg", jpeg);
            writer.WriteEntry(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.SymbolicLink, "000000002.jpg") { LinkName = "/etc/passwd" });
            Add("000000003.jpg", jpeg);
            Add("000000003.json", "{\"url\": \"http://h/3.jpg\", \"width\": 20}"u8.ToArray());
        }
        // A second shard cut off inside its second image: its first sample is kept.
        string whole = Path.Combine(folder, "whole.tmp");
        using (var file = File.Create(whole))
        using (var writer = new System.Formats.Tar.TarWriter(file, System.Formats.Tar.TarEntryFormat.Ustar))
        {
            writer.WriteEntry(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "000000010.jpg") { DataStream = new MemoryStream(jpeg) });
            writer.WriteEntry(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "000000011.jpg") { DataStream = new MemoryStream(jpeg) });
        }
        byte[] bytes = File.ReadAllBytes(whole);
        int secondData = 512 + (jpeg.Length + 511) / 512 * 512 + 512;
        File.WriteAllBytes(Path.Combine(folder, "00001.tar"), bytes[..(secondData + 100)]);
        File.Delete(whole);

        string ds = _temp.Combine("bad-shards.trawl");
        var run = CliRun.Of("ingest", ds, Path.Combine(folder, "*.tar"), "--table", "images", "--json").Ok();
        var report = run.Json();
        Assert.Equal(3, report.GetProperty("rows_kept").GetInt32());
        Assert.Equal(3, report.GetProperty("skipped_records").GetInt32());
        var messages = report.GetProperty("skip_messages").EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.Contains(messages, m => m.Contains("00000.tar") && m.Contains("'../000000001.jpg'") && m.Contains("byte offset"));
        Assert.Contains(messages, m => m.Contains("000000002.jpg") && m.Contains("symbolic link"));
        Assert.Contains(messages, m => m.Contains("00001.tar") && m.Contains("truncated"));
        Assert.Contains("warning", run.Err);
        var keys = CliRun.Of("sql", ds, "SELECT key FROM images ORDER BY key", "--json").Ok().Json().GetProperty("rows").EnumerateArray().Select(r => r[0].GetString()).ToList();
        Assert.Equal(["000000000", "000000003", "000000010"], keys);
        Assert.Empty(Directory.GetFiles(_temp.Path, "*passwd*", SearchOption.AllDirectories));
    }

    /// <summary>Waits (at most 2 minutes) until <paramref name="done"/> holds, failing if the child exits first.</summary>
    private static void WaitFor(Func<bool> done, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"timed out waiting for {what}");
            Thread.Sleep(20);
        }
    }

    [Fact]
    public void A_download_killed_with_sigkill_resumes_shard_by_shard_to_the_same_shards()
    {
        string csv = _temp.File("slow.csv", "url,caption\n" + string.Join("\n", Enumerable.Range(0, 60).Select(i => $"{_base}/slow/{i}.jpg,picture {i}")) + "\n");
        string shards = _temp.Combine("killed");
        string[] args = ["download", csv, "--url-column", "url", "--caption-column", "caption", "--out", shards, "--image-size", "32",
            "--shard-size", "10", "--concurrency", "2", "--per-host", "2", "--json"];
        using (var child = PausedCli.Start("", args))
        {
            WaitFor(() => File.Exists(Path.Combine(shards, "00001_stats.json")), "two shards");
            child.Kill();
        }
        var before = Directory.GetFiles(shards, "*_stats.json").Select(Path.GetFileName).Order().ToList();
        Assert.InRange(before.Count, 2, 5);
        byte[] shard0 = File.ReadAllBytes(Path.Combine(shards, "00000.tar"));
        int hitsBefore = _hits.Where(kv => kv.Key.StartsWith("/slow/", StringComparison.Ordinal)).Sum(kv => kv.Value);

        var report = CliRun.Of(args).Ok().Json();
        Assert.Equal(before.Count, report.GetProperty("shards_resumed").GetInt32());
        Assert.Equal(6 - before.Count, report.GetProperty("shards").GetInt32());
        int hitsAfter = _hits.Where(kv => kv.Key.StartsWith("/slow/", StringComparison.Ordinal)).Sum(kv => kv.Value);
        // Only the shards not finished were fetched again.
        Assert.Equal((6 - before.Count) * 10, hitsAfter - hitsBefore);
        Assert.Equal(shard0, File.ReadAllBytes(Path.Combine(shards, "00000.tar")));
        Assert.Empty(Directory.GetFiles(shards, "*.tmp").Concat(Directory.GetFiles(shards, ".*")));

        // The same shards as an uninterrupted run: every key once, each with its caption.
        string browse = _temp.Combine("killed.trawl");
        CliRun.Of("ingest", browse, Path.Combine(shards, "*.tar"), "--table", "images").Ok();
        var row = CliRun.Of("sql", browse, "SELECT count(*), count(DISTINCT key), min(key), max(key), sum(txt = 'picture ' || CAST(key AS INTEGER)) FROM images", "--json").Ok().Json().GetProperty("rows")[0];
        Assert.Equal(60, row[0].GetInt32());
        Assert.Equal(60, row[1].GetInt32());
        Assert.Equal("000000000", row[2].GetString());
        Assert.Equal("000000059", row[3].GetString());
        Assert.Equal(60, row[4].GetInt32());
    }

    [Fact]
    public void An_inventory_killed_with_sigkill_asks_only_the_urls_not_answered()
    {
        const int n = 400;
        string list = _temp.File("slow-urls.txt", string.Join("\n", Enumerable.Range(0, n).Select(i => $"{_base}/slowhead/{i}")) + "\n");
        string ds = _temp.Combine("slow-sizes.trawl");
        string journal = ds + ".inventory.jsonl";
        string[] args = ["inventory", list, "--out", ds, "--concurrency", "4", "--json"];
        using (var child = PausedCli.Start("", args))
        {
            WaitFor(() => File.Exists(journal) && File.ReadAllLines(journal).Length >= 60, "60 answers in the journal");
            child.Kill();
        }
        Assert.False(Directory.Exists(ds));
        int answeredBefore = File.ReadAllLines(journal).Count(l => l.EndsWith('}'));
        int hitsBefore = _hits.Where(kv => kv.Key.StartsWith("/slowhead/", StringComparison.Ordinal)).Sum(kv => kv.Value);

        var report = CliRun.Of(args).Ok().Json();
        Assert.Equal(n, report.GetProperty("urls").GetInt32());
        Assert.Equal(n, report.GetProperty("answered").GetInt32());
        Assert.InRange(report.GetProperty("resumed").GetInt32(), answeredBefore - 1, answeredBefore);
        int hitsAfter = _hits.Where(kv => kv.Key.StartsWith("/slowhead/", StringComparison.Ordinal)).Sum(kv => kv.Value);
        Assert.Equal(n - report.GetProperty("resumed").GetInt32(), hitsAfter - hitsBefore);
        long expected = Enumerable.Range(0, n).Sum(i => 1000L + i);
        Assert.Equal(expected, report.GetProperty("total_bytes").GetInt64());
        var count = CliRun.Of("sql", ds, "SELECT count(*), count(DISTINCT url), sum(size) FROM inventory", "--json").Ok().Json().GetProperty("rows")[0];
        Assert.Equal(n, count[0].GetInt32());
        Assert.Equal(n, count[1].GetInt32());
        Assert.Equal(expected, count[2].GetInt64());
    }

    [Fact]
    public void Inventory_writes_a_dataset_with_sizes()
    {
        string list = _temp.File("urls.txt", $"{_base}/data/a/1.jsonl\n{_base}/data/b/2.jsonl\nnot a url\n");
        string ds = _temp.Combine("sizes.trawl");
        var report = CliRun.Of("inventory", list, "--out", ds, "--json").Ok().Json();
        Assert.Equal(3, report.GetProperty("urls").GetInt32());
        Assert.Equal(2, report.GetProperty("answered").GetInt32());
        Assert.Equal(10_000, report.GetProperty("total_bytes").GetInt64());
        var facet = CliRun.Of("sql", ds, "SELECT top_folder, sum(size) AS s FROM inventory WHERE size IS NOT NULL GROUP BY top_folder ORDER BY 1", "--json").Ok();
        Assert.Contains("\"a\"", facet.Out);
        Assert.Contains("\"b\"", facet.Out);
    }

    [Theory]
    [InlineData("download", "x.trawl", "--url-column", "url", "--out", "o", "--resize-mode", "stretch")]
    [InlineData("download", "x.trawl", "--url-column", "url", "--out", "o", "--encode-format", "tiff")]
    [InlineData("download", "x.trawl", "--url-column", "url", "--out", "o", "--image-size", "0")]
    [InlineData("download", "x.trawl", "--url-column", "url", "--out", "o", "--bogus")]
    [InlineData("download", "x.trawl", "--out", "o")]
    [InlineData("inventory", "urls.txt")]
    [InlineData("inventory", "urls.txt", "--out", "o.trawl", "--timeout", "soon")]
    [InlineData("inventory", "missing-urls.txt", "--out", "o.trawl")]
    public void Bad_options_are_user_errors(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal(1, run.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(run.Err));
    }
}

public sealed class WebProgressTextTests
{
    [Fact]
    public void Download_progress_shows_rate_and_success_share()
    {
        var p = new Trawl.Web.Download.DownloadProgress(RowsTotal: 200, Done: 100, Successes: 75, FailedToDownload: 20, FailedToResize: 5, ShardsDone: 1, ShardsResumed: 2, CurrentShard: 3);
        string line = Progress.WebProgressDisplay.DescribeDownload(p, TimeSpan.FromSeconds(10));
        Assert.Contains("100 of 200 images", line);
        Assert.Contains("75 ok (75%)", line);
        Assert.Contains("10 images/s", line);
        Assert.Contains("2 shards done earlier", line);
    }

    [Fact]
    public void Inventory_progress_counts_only_this_runs_urls_in_the_rate()
    {
        var p = new Trawl.Web.Inventory.InventoryProgress(Total: 1000, Done: 600, Answered: 90, Failed: 10, Resumed: 500, Phase: "request");
        string line = Progress.WebProgressDisplay.DescribeInventory(p, TimeSpan.FromSeconds(2));
        Assert.Contains("600 of 1,000 URLs (500 from an earlier run)", line);
        Assert.Contains("50 URLs/s", line);
    }
}
