using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Trawl.Bench.Laion;
using Trawl.Bench.Measurement;
using Trawl.Bench.Reporting;
using Trawl.Server;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Bench.Engine;

/// <summary>
/// The query engine at scale (issue 10): a WebVid-like table of N rows served over HTTP; pages with a search, two
/// facets and a histogram for words matching ~60 %, ~8 % and ~0.3 % of rows; filters and sorts on unindexed columns;
/// heavy load from many clients beside a plain search. The reference for each figure is the same request answered
/// by SQLite alone (the column files switched off), measured in the same run.
/// </summary>
internal static class EngineBenchmark
{
    private const string Bench = "engine";
    public const string Usage = "[--shape webvid|laion] [--rows 1000000] [--dir DIR] [--repeats 20] [--clients 16] [--seconds 30] [--out FILE] [--reuse]";

    public static async Task<int> Run(string[] args)
    {
        long rows = 1_000_000;
        string dir = Path.Combine(Path.GetTempPath(), "trawl-bench-engine");
        int repeats = 20, clients = 16, seconds = 30;
        string? output = null;
        bool reuse = false;
        var shape = EngineShape.WebVid;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--rows": rows = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--dir": dir = Next(); break;
                case "--repeats": repeats = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--clients": clients = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--out": output = Next(); break;
                case "--reuse": reuse = true; break;
                case "--shape": shape = EngineShape.Parse(Next()); break;
                default: throw new ArgumentException($"engine: unknown option {args[i]}; {Usage}");
            }
        }
        Directory.CreateDirectory(dir);
        using var report = new BenchReport(output);
        report.WriteLine(w => { w.WriteString("bench", Bench); w.WriteString("shape", shape.Name); w.WriteNumber("rows", rows); MachineInfo.Write(w); });

        string source = shape.Generate(dir, rows);
        string table = shape.Table;
        string dataset = Path.Combine(dir, $"{shape.Name}-{rows}.trawl");
        if (reuse && Directory.Exists(dataset))
        {
            // An existing dataset (from an earlier run) only has its column files brought up to date.
            BenchReport.Progress("reusing the dataset; trawl columns");
            var columns = ChildProcessMeter.Run(TrawlExecutable.Locate(), ["columns", dataset]);
            if (columns.ExitCode != 0)
                throw new InvalidOperationException("trawl columns failed: " + columns.Stderr);
            report.Add(new BenchFigure(Bench, "columns_update_s", columns.Wall.TotalSeconds, "s"));
        }
        else
        {
            if (Directory.Exists(dataset))
                Directory.Delete(dataset, recursive: true);
            BenchReport.Progress("ingesting with the trawl command");
            var ingest = ChildProcessMeter.Run(TrawlExecutable.Locate(), ["ingest", dataset, source, .. shape.IngestArguments(source)]);
            if (ingest.ExitCode != 0)
                throw new InvalidOperationException("ingest failed: " + ingest.Stderr);
            report.Add(new BenchFigure(Bench, "ingest_s", ingest.Wall.TotalSeconds, "s"));
            report.Add(new BenchFigure(Bench, "ingest_peak_rss_mb", ingest.PeakRssBytes / 1048576.0, "MB"), "≤ 1024");
        }
        long columnBytes = Directory.EnumerateFiles(Path.Combine(dataset, "columns")).Sum(f => new FileInfo(f).Length);
        long metaBytes = new FileInfo(Path.Combine(dataset, "meta.db")).Length;
        report.Add(new BenchFigure(Bench, "column_files_mb", columnBytes / 1048576.0, "MB", "meta.db", metaBytes / 1048576.0));

        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        await using var app = TrawlServer.Build([dataset], new ServerOptions { Port = 0 });
        await app.StartAsync();
        using var reference = Dataset.Open(dataset);
        reference.UseColumnFiles = false;
        using var ours = Dataset.Open(dataset);
        try
        {
            string baseUrl = app.Urls.First().TrimEnd('/');
            string tableUrl = $"{baseUrl}/{Path.GetFileNameWithoutExtension(dataset)}/{table}.json";
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };

            string facets = string.Concat(shape.FacetColumns.Select(c => "&_facet=" + c)) + "&_histogram=" + shape.HistogramColumn;
            foreach (var (word, rate) in shape.Markers)
            {
                string url = $"{tableUrl}?_search={word}{facets}&_size=20";
                var (p50, p99, body) = await Latencies(http, url, repeats);
                using var doc = JsonDocument.Parse(body);
                long count = doc.RootElement.GetProperty("count").GetInt64();
                int dropped = doc.RootElement.GetProperty("facets_timed_out").GetArrayLength() + doc.RootElement.GetProperty("histograms_timed_out").GetArrayLength();
                report.WriteLine(w => { w.WriteString("bench", Bench); w.WriteString("search", word); w.WriteNumber("matches", count); w.WriteNumber("share", count / (double)rows); w.WriteNumber("dropped_facets", dropped); });
                var q = new TableQuery { Table = table, Search = word };
                double sqliteFacet = Time(() => reference.Facet(q, shape.FacetColumns[^1], 30), Math.Min(repeats, 3));
                double oursFacet = Time(() => ours.Facet(q, shape.FacetColumns[^1], 30), Math.Min(repeats, 5));
                report.Add(new BenchFigure(Bench, $"search_2facets_histogram_p50_ms[{word}]", p50, "ms"), "≤ 100");
                report.Add(new BenchFigure(Bench, $"search_2facets_histogram_p99_ms[{word}]", p99, "ms"), "≤ 300");
                report.Add(new BenchFigure(Bench, $"facet_over_search_ms[{word}]", oursFacet, "ms", "SQLite GROUP BY", sqliteFacet));
            }

            await Ranked(report, http, tableUrl, dataset, shape, repeats);

            (string Name, string Query, TableQuery Reference)[] pages;
            using (var probe = Dataset.Open(dataset))
                pages = shape.Pages(probe, rows);
            foreach (var (name, query, refQuery) in pages)
            {
                var (p50, _, _) = await Latencies(http, $"{tableUrl}?{query}&_size=20", repeats);
                double sqlite = Time(() => reference.QueryRows(refQuery with { Size = 20 }, count: true), Math.Min(repeats, 3));
                report.Add(new BenchFigure(Bench, $"{name}_first_page_and_count_ms", p50, "ms", "SQLite", sqlite), "≤ 100");
            }

            await Load(report, http, tableUrl, shape, clients, seconds);
            report.Add(new BenchFigure(Bench, "server_rss_mb", ReadRss() / 1048576.0, "MB"), "≤ 2048 (bench client included)");
        }
        finally
        {
            await app.StopAsync();
        }
        return 0;
    }

    /// <summary>Top-20 by relevance for each marker word over HTTP, beside SQLite FTS5's ORDER BY rank over all its
    /// matches (no rank limit) in the same run; the two top-20s must be the same rows.</summary>
    private static async Task Ranked(BenchReport report, HttpClient http, string tableUrl, string dataset, EngineShape shape, int repeats)
    {
        using var fts = Dataset.Open(dataset);
        fts.UseColumnFiles = false;
        fts.RankLimit = int.MaxValue;
        foreach (var (word, _) in shape.Markers)
        {
            var (p50, p99, body) = await Latencies(http, $"{tableUrl}?_search={word}&_size=20", repeats);
            using var doc = JsonDocument.Parse(body);
            string ordering = doc.RootElement.GetProperty("ordering").GetString()!;
            var ours = doc.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("rowid").GetInt64()).ToList();
            var q = new TableQuery { Table = shape.Table, Search = word, Size = 20 };
            List<long> theirs = [];
            double sqlite = Time(() => theirs = fts.QueryRows(q, count: false).Rows.Select(r => (long)r[0]!).ToList(), 2);
            bool same = ours.SequenceEqual(theirs);
            report.WriteLine(w => { w.WriteString("bench", Bench); w.WriteString("ranked", word); w.WriteString("ordering", ordering); w.WriteBoolean("same_top20_as_fts5", same); });
            report.Add(new BenchFigure(Bench, $"ranked_top20_p50_ms[{word}]", p50, "ms", "SQLite FTS5 ORDER BY rank", sqlite), "≤ 50 (800 K matches)");
            report.Add(new BenchFigure(Bench, $"ranked_top20_p99_ms[{word}]", p99, "ms"));
        }
    }

    private static async Task Load(BenchReport report, HttpClient http, string tableUrl, EngineShape shape, int clients, int seconds)
    {
        string heavy = $"{tableUrl}?_search={shape.Markers[0].Word}{string.Concat(shape.FacetColumns.Select(c => "&_facet=" + c))}&_histogram={shape.HistogramColumn}&_size=20";
        string plain = $"{tableUrl}?_search={shape.Markers[^1].Word}&_size=20";
        var stop = DateTime.UtcNow.AddSeconds(seconds);
        long ok = 0, busy = 0, errors = 0;
        var heavyTasks = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            for (int n = 0; n < 100_000 && DateTime.UtcNow < stop; n++)
            {
                try
                {
                    using var r = await client.GetAsync(heavy);
                    await r.Content.ReadAsByteArrayAsync();
                    if (r.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref ok);
                    else if (r.StatusCode == HttpStatusCode.ServiceUnavailable) { Interlocked.Increment(ref busy); await Task.Delay(50); }
                    else Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException) { Interlocked.Increment(ref errors); }
                catch (TaskCanceledException) { Interlocked.Increment(ref errors); }
            }
        })).ToArray();
        var plainMs = new List<double>();
        long plainErrors = 0;
        while (DateTime.UtcNow < stop && plainMs.Count < 100_000)
        {
            var clock = Stopwatch.StartNew();
            using var r = await http.GetAsync(plain);
            await r.Content.ReadAsByteArrayAsync();
            if (r.StatusCode == HttpStatusCode.OK) plainMs.Add(clock.Elapsed.TotalMilliseconds); else plainErrors++;
        }
        await Task.WhenAll(heavyTasks);
        report.WriteLine(w => { w.WriteString("bench", Bench); w.WriteString("what", "load"); w.WriteNumber("clients", clients); w.WriteNumber("seconds", seconds); w.WriteNumber("heavy_ok", ok); w.WriteNumber("heavy_503", busy); w.WriteNumber("heavy_errors", errors); w.WriteNumber("plain_requests", plainMs.Count); w.WriteNumber("plain_errors", plainErrors); });
        report.Add(new BenchFigure(Bench, "load_errors_other_than_503", errors + plainErrors, "requests"), "0");
        if (plainMs.Count > 0)
        {
            report.Add(new BenchFigure(Bench, "load_plain_search_p50_ms", Percentiles.Median(plainMs), "ms"));
            report.Add(new BenchFigure(Bench, "load_plain_search_p99_ms", Percentiles.Of(plainMs, 99), "ms"), "≤ 1000");
        }
    }

    private static async Task<(double P50, double P99, string Body)> Latencies(HttpClient http, string url, int repeats)
    {
        string body = "";
        var ms = new List<double>();
        for (int i = 0; i <= repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            using var r = await http.GetAsync(url);
            body = await r.Content.ReadAsStringAsync();
            if (!r.IsSuccessStatusCode)
                throw new InvalidOperationException($"GET {url}: {(int)r.StatusCode} {body[..Math.Min(300, body.Length)]}");
            if (i > 0) // the first request opens the files
                ms.Add(clock.Elapsed.TotalMilliseconds);
        }
        return (Percentiles.Median(ms), Percentiles.Of(ms, 99), body);
    }

    private static double Time(Func<object> work, int repeats)
    {
        work();
        var ms = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            work();
            ms.Add(clock.Elapsed.TotalMilliseconds);
        }
        return Percentiles.Median(ms);
    }

    private static long ReadRss()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        return 0;
    }
}
