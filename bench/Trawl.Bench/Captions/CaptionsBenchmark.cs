using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Trawl.Bench.Measurement;
using Trawl.Bench.Reference;
using Trawl.Bench.Reporting;
using Trawl.Server;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Bench.Captions;

/// <summary>
/// The captions benchmark: synthetic caption CSV → <c>trawl ingest</c> (wall time, peak RSS) against
/// sqlite3 .import + sqlite-utils enable-fts; search latency over HTTP; facets in process, over HTTP
/// and as GROUP BY in the sqlite3 shell. A phase that cannot run (missing tool, unfinished code) is
/// reported as not measured and the others still run.
/// </summary>
internal sealed class CaptionsBenchmark(CaptionsOptions options, BenchReport report)
{
    private const string Bench = "captions";
    private const string TableName = "captions";
    private const string SearchColumn = "caption";
    private const string FacetColumn = "category";
    private const int FacetLimit = 30;
    private const int PageSize = 20;
    private const int TimedRepeats = 5;
    private const string IngestReference = "sqlite3 .import + sqlite-utils enable-fts";
    private const string SearchReference = "SQLite FTS5 in-process, same page order rule + count, no HTTP";
    private const string RankAllReference = "SQLite FTS5 in-process, every match ranked + count, no HTTP";
    private const string FacetReference = "GROUP BY in sqlite3 shell (.timer)";

    /// <summary>A frequent content word (about a fifth of captions), for facets over a search.</summary>
    private const string CommonWord = "photo";

    private readonly CaptionCsvGenerator _generator = new(options.Seed);
    private IReadOnlyList<int[]> _sampledCaptions = [];
    private SqliteReference? _reference;

    private string Csv => Path.Combine(options.Directory, TableName + ".csv");
    private string DatasetPath => Path.Combine(options.Directory, "bench.trawl");
    private string ReferencePath => Path.Combine(options.Directory, "ref.db");

    public async Task<int> RunAsync()
    {
        report.WriteLine(MachineInfo.Write);
        Directory.CreateDirectory(options.Directory);
        Clean();

        Generate();
        if (!Phase("ingest", Ingest))
        {
            report.PrintSummary();
            return 2;
        }
        Dataset? dataset = null;
        Phase("open dataset", () => dataset = Dataset.Open(DatasetPath));
        if (dataset is not null)
        {
            using (dataset)
            {
                Phase("row counts", () => CheckRows(dataset));
                Phase("disk size", () => DiskSize(dataset));
                await PhaseAsync("search and facets over HTTP", () => ServeAndMeasure(dataset));
                Phase("facets in process", () => FacetsInProcess(dataset));
            }
        }
        report.PrintSummary();
        return 0;
    }

    private void Clean()
    {
        if (Directory.Exists(DatasetPath))
            Directory.Delete(DatasetPath, recursive: true);
        foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
            File.Delete(ReferencePath + suffix);
    }

    private void Generate()
    {
        BenchReport.Progress($"generating {options.Rows:N0} rows into {Csv}");
        var clock = Stopwatch.StartNew();
        _sampledCaptions = _generator.Write(Csv, options.Rows);
        double generateSeconds = clock.Elapsed.TotalSeconds;
        long bytes = new FileInfo(Csv).Length;
        string sha256;
        using (var file = File.OpenRead(Csv))
            sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file));
        report.WriteLine(json =>
        {
            json.WriteString("bench", Bench);
            json.WriteString("what", "input");
            json.WriteNumber("rows", options.Rows);
            json.WriteNumber("csv_mb", Math.Round(bytes / (1024.0 * 1024), 1));
            json.WriteNumber("seed", options.Seed);
            json.WriteNumber("generate_s", Math.Round(generateSeconds, 2));
            json.WriteString("csv_sha256", sha256);
        });
    }

    private void Ingest()
    {
        ChildRun? run = IngestWithTrawl();

        ChildRun? import = null, fts = null;
        if (!options.Reference)
            report.Note("reference not run (--no-reference)");
        else if (!SqliteReference.ToolsPresent(out string missing))
            report.Note($"reference not run: {missing} not on PATH (apt-get install sqlite3 sqlite-utils)");
        else
        {
            _reference = new SqliteReference(ReferencePath, TableName, SearchColumn);
            BenchReport.Progress("reference: sqlite3 .import");
            import = _reference.Import(Csv);
            BenchReport.Progress("reference: sqlite-utils enable-fts");
            fts = _reference.EnableFts();
        }

        double? referenceSeconds = import is null ? null : import.Wall.TotalSeconds + fts!.Wall.TotalSeconds;
        double? referenceRss = import is null ? null : Math.Max(import.PeakRssMb, fts!.PeakRssMb);
        if (run is not null)
        {
            report.Add(new BenchFigure(Bench, "ingest_total_s", run.Wall.TotalSeconds, "s", IngestReference, referenceSeconds), "ratio <= 1.0");
            report.Add(new BenchFigure(Bench, "ingest_peak_rss_mb", run.PeakRssMb, "MB", "max of the two reference steps", referenceRss), "<= 500 MB");
            report.Add(new BenchFigure(Bench, "ingest_rows_per_s", options.Rows / run.Wall.TotalSeconds, "rows/s", IngestReference,
                referenceSeconds is { } s ? options.Rows / s : null));
        }
        if (import is not null && fts is not null)
        {
            report.Add(new BenchFigure(Bench, "ref_sqlite3_import_s", import.Wall.TotalSeconds, "s"));
            report.Add(new BenchFigure(Bench, "ref_enable_fts_s", fts.Wall.TotalSeconds, "s"));
            report.Add(new BenchFigure(Bench, "ref_sqlite3_import_peak_rss_mb", import.PeakRssMb, "MB"));
            report.Add(new BenchFigure(Bench, "ref_enable_fts_peak_rss_mb", fts.PeakRssMb, "MB"));
        }
        if (run is null)
            throw new InvalidOperationException("trawl could not ingest the CSV (see the notes above)");
    }

    /// <summary>Runs <c>trawl ingest</c>; when the command fails, tries DatasetIngest.Run in a child
    /// Trawl.Bench process (same store code, no CLI) and says so.</summary>
    private ChildRun? IngestWithTrawl()
    {
        BenchReport.Progress("ingesting with trawl");
        var attempts = new List<Func<ChildRun>>
        {
            () => ChildProcess.Run(TrawlExecutable.Locate(), ["ingest", DatasetPath, Csv, "--search", SearchColumn]),
            () => ChildProcess.Run(SelfCommand.FileName, [.. SelfCommand.Arguments, "ingest-in-process", DatasetPath, Csv]),
        };
        foreach (var attempt in attempts)
        {
            ChildRun run;
            try
            {
                run = attempt();
            }
            catch (InvalidOperationException e)
            {
                report.Note($"ingest could not start: {FirstLines(e.Message)}");
                continue;
            }
            report.WriteLine(json =>
            {
                json.WriteString("bench", Bench);
                json.WriteString("what", "ingest_command");
                json.WriteString("command", run.Command);
                json.WriteNumber("exit_code", run.ExitCode);
            });
            if (run.ExitCode == 0)
                return run;
            report.Note($"'{run.Command}' failed with exit code {run.ExitCode}: {FirstLines(run.Output.Trim())}");
            if (Directory.Exists(DatasetPath))
                Directory.Delete(DatasetPath, recursive: true);
        }
        return null;
    }

    private void CheckRows(Dataset dataset)
    {
        long trawlRows = dataset.CountRows(new TableQuery { Table = TableName });
        long? referenceRows = _reference?.CountRows();
        bool ok = trawlRows == options.Rows && (referenceRows is null || referenceRows == options.Rows);
        report.WriteLine(json =>
        {
            json.WriteString("bench", Bench);
            json.WriteString("check", "rows");
            json.WriteNumber("expected", options.Rows);
            json.WriteNumber("trawl", trawlRows);
            if (referenceRows is { } r)
                json.WriteNumber("reference", r);
            json.WriteBoolean("ok", ok);
        });
        if (!ok)
            report.Note($"ROW COUNT MISMATCH: expected {options.Rows}, trawl {trawlRows}, reference {referenceRows?.ToString() ?? "-"}");
    }

    private void DiskSize(Dataset dataset)
    {
        double? referenceMb = _reference is null ? null
            : new[] { "", "-wal" }.Select(s => ReferencePath + s).Where(File.Exists).Sum(p => new FileInfo(p).Length) / (1024.0 * 1024);
        report.Add(new BenchFigure(Bench, "disk_size_mb", dataset.SizeOnDisk() / (1024.0 * 1024), "MB", "ref.db", referenceMb));
    }

    private async Task ServeAndMeasure(Dataset dataset)
    {
        // The in-process server must not write a log line per request between the JSON lines.
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        Environment.SetEnvironmentVariable("Logging__LogLevel__Microsoft.AspNetCore", "Warning");
        await using var app = TrawlServer.Build([DatasetPath], new ServerOptions { Port = 0 });
        await app.StartAsync();
        try
        {
            string baseUrl = app.Urls.First().TrimEnd('/');
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            string tableUrl = $"{baseUrl}/{Uri.EscapeDataString(dataset.Name)}/{Uri.EscapeDataString(TableName)}.json";
            BenchReport.Progress($"serving at {baseUrl}; {options.Queries} searches after {options.WarmupQueries} warm-up");
            await PhaseAsync("search over HTTP", () => SearchOverHttp(dataset, http, tableUrl));
            await PhaseAsync("facets over HTTP", () => FacetsOverHttp(http, tableUrl));
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private async Task SearchOverHttp(Dataset dataset, HttpClient http, string tableUrl)
    {
        var warmup = SearchQueryMix.Create(_generator, _sampledCaptions, options.WarmupQueries, options.Seed + 1);
        var queries = SearchQueryMix.Create(_generator, _sampledCaptions, options.Queries, options.Seed + 2);
        foreach (var q in warmup)
            await GetAsync(http, SearchUrl(tableUrl, q.Text));
        var trawlMs = new List<double>(queries.Count);
        foreach (var q in queries)
            trawlMs.Add(await GetAsync(http, SearchUrl(tableUrl, q.Text)));

        // What the workload was, and whether Trawl finds as many rows as SQLite's own FTS does.
        var hits = new List<double>(queries.Count);
        int equal = 0;
        var referenceMs = new List<double>(queries.Count);
        var rankAllMs = new List<double>(queries.Count);
        SqliteReference.Searcher? searcher = _reference?.CreateSearcher(PageSize);
        try
        {
            foreach (var q in warmup)
                searcher?.Search(q.FtsExpression);
            foreach (var q in queries)
            {
                long trawlCount = dataset.CountRows(new TableQuery { Table = TableName, Search = q.Text });
                hits.Add(trawlCount);
                if (searcher is null)
                    continue;
                // Both orderings run on the same connection; alternate which goes first so that
                // neither always finds the other's pages in SQLite's cache.
                long referenceCount = 0;
                for (int pass = 0; pass < 2; pass++)
                {
                    bool rankAll = (pass == 0) == (hits.Count % 2 == 0);
                    var clock = Stopwatch.StartNew();
                    long n = searcher.Search(q.FtsExpression, rankAll);
                    (rankAll ? rankAllMs : referenceMs).Add(clock.Elapsed.TotalMilliseconds);
                    if (!rankAll)
                        referenceCount = n;
                }
                if (referenceCount == trawlCount)
                    equal++;
                else if (hits.Count - equal <= 5)
                    report.Note($"search count differs for {q.Text}: trawl {trawlCount}, sqlite {referenceCount}");
            }
        }
        finally
        {
            searcher?.Dispose();
        }

        report.WriteLine(json =>
        {
            json.WriteString("bench", Bench);
            json.WriteString("what", "search_workload");
            json.WriteNumber("queries", queries.Count);
            json.WriteNumber("warmup", warmup.Count);
            json.WriteNumber("page_size", PageSize);
            foreach (var kind in queries.GroupBy(q => q.Kind))
                json.WriteNumber(kind.Key, kind.Count());
            json.WriteNumber("hits_p50", Percentiles.Median(hits));
            json.WriteNumber("hits_p95", Percentiles.Of(hits, 95));
            json.WriteNumber("hits_max", hits.Max());
            json.WriteNumber("zero_hit_queries", hits.Count(h => h == 0));
            // Where the time goes: Trawl's latency by kind of query, and the slowest query.
            foreach (var kind in queries.Select((q, i) => (q.Kind, Ms: trawlMs[i])).GroupBy(x => x.Kind))
            {
                var ms = kind.Select(x => x.Ms).ToList();
                json.WriteNumber($"{kind.Key}_p50_ms", Math.Round(Percentiles.Median(ms), 2));
                json.WriteNumber($"{kind.Key}_max_ms", Math.Round(ms.Max(), 2));
            }
            int slowest = trawlMs.IndexOf(trawlMs.Max());
            json.WriteString("slowest_query", queries[slowest].Text);
            json.WriteNumber("slowest_query_ms", Math.Round(trawlMs[slowest], 2));
            json.WriteNumber("slowest_query_hits", hits[slowest]);
        });
        if (searcher is not null)
        {
            report.WriteLine(json =>
            {
                json.WriteString("bench", Bench);
                json.WriteString("check", "search_counts_equal_sqlite_fts");
                json.WriteNumber("equal", equal);
                json.WriteNumber("of", queries.Count);
                json.WriteBoolean("ok", equal == queries.Count);
            });
        }
        double? Ref(double p) => referenceMs.Count > 0 ? Percentiles.Of(referenceMs, p) : null;
        report.Add(new BenchFigure(Bench, "search_http_p50_ms", Percentiles.Of(trawlMs, 50), "ms", SearchReference, Ref(50)), "<= 20 ms");
        report.Add(new BenchFigure(Bench, "search_http_p95_ms", Percentiles.Of(trawlMs, 95), "ms", SearchReference, Ref(95)));
        report.Add(new BenchFigure(Bench, "search_http_p99_ms", Percentiles.Of(trawlMs, 99), "ms", SearchReference, Ref(99)), "<= 100 ms");
        if (rankAllMs.Count > 0)
        {
            // Against ranking every match, as a plain "order by rank" query does: what the rank limit saves.
            report.Add(new BenchFigure(Bench, "search_http_vs_rank_all_p50_ms", Percentiles.Of(trawlMs, 50), "ms", RankAllReference, Percentiles.Of(rankAllMs, 50)));
            report.Add(new BenchFigure(Bench, "search_http_vs_rank_all_p99_ms", Percentiles.Of(trawlMs, 99), "ms", RankAllReference, Percentiles.Of(rankAllMs, 99)));
        }
    }

    private async Task FacetsOverHttp(HttpClient http, string tableUrl)
    {
        string all = $"{tableUrl}?_facet={FacetColumn}&_size=1";
        string searched = $"{tableUrl}?_search={Uri.EscapeDataString(CommonWord)}&_facet={FacetColumn}&_size=1";
        var (allRef, searchRef) = ReferenceFacets();
        // The server keeps whole-table facets after the first request, so the first one is the
        // figure that counts values; the later ones show the cached answer.
        var (allFirst, allBody) = await GetWithBodyAsync(http, all);
        var (searchFirst, searchBody) = await GetWithBodyAsync(http, searched);
        CheckHttpFacet("facet_all_http_values", allBody);
        CheckHttpFacet("facet_search_http_values", searchBody);
        report.Add(new BenchFigure(Bench, "facet_all_http_first_ms", allFirst, "ms", FacetReference, allRef), "<= 200 ms");
        report.Add(new BenchFigure(Bench, "facet_all_http_ms", await MedianHttpMs(http, all), "ms", FacetReference, allRef), "<= 200 ms");
        report.Add(new BenchFigure(Bench, "facet_search_http_first_ms", searchFirst, "ms", FacetReference, searchRef), "<= 200 ms");
        report.Add(new BenchFigure(Bench, "facet_search_http_ms", await MedianHttpMs(http, searched), "ms", FacetReference, searchRef), "<= 200 ms");
    }

    private void CheckHttpFacet(string check, string body)
    {
        int values = -1;
        using (var json = JsonDocument.Parse(body))
        {
            if (json.RootElement.TryGetProperty("facets", out var facets)
                && facets.TryGetProperty(FacetColumn, out var facet)
                && facet.TryGetProperty("values", out var list))
                values = list.GetArrayLength();
        }
        int expected = (int)Math.Min(FacetLimit, Math.Min(options.Rows, CaptionCsvGenerator.CategoryCount));
        report.WriteLine(json =>
        {
            json.WriteString("bench", Bench);
            json.WriteString("check", check);
            json.WriteNumber("values", values);
            json.WriteBoolean("ok", values == expected);
        });
    }

    private void FacetsInProcess(Dataset dataset)
    {
        var all = new TableQuery { Table = TableName };
        var searched = all with { Search = CommonWord };
        FacetResult allResult = dataset.Facet(all, FacetColumn, FacetLimit);
        FacetResult searchResult = dataset.Facet(searched, FacetColumn, FacetLimit);
        var (allRef, searchRef) = ReferenceFacets();
        report.Add(new BenchFigure(Bench, "facet_all_ms", MedianMs(() => dataset.Facet(all, FacetColumn, FacetLimit)), "ms", FacetReference, allRef), "<= 200 ms");
        report.Add(new BenchFigure(Bench, "facet_search_ms", MedianMs(() => dataset.Facet(searched, FacetColumn, FacetLimit)), "ms", FacetReference, searchRef), "<= 200 ms");
        long searchHits = dataset.CountRows(searched);
        report.WriteLine(json =>
        {
            json.WriteString("bench", Bench);
            json.WriteString("what", "facet_workload");
            json.WriteString("column", FacetColumn);
            json.WriteNumber("limit", FacetLimit);
            json.WriteString("search", CommonWord);
            json.WriteNumber("search_hits", searchHits);
        });
        if (_reference is not null)
        {
            CheckFacet("facet_all_equals_sqlite", allResult, ReferenceFacetSql(null));
            CheckFacet("facet_search_equals_sqlite", searchResult, ReferenceFacetSql(CommonWord));
        }
    }

    private (double? All, double? Search) _referenceFacets;
    private bool _referenceFacetsDone;

    /// <summary>The reference GROUP BY timings, measured once and shared by the HTTP and in-process figures.</summary>
    private (double? All, double? Search) ReferenceFacets()
    {
        if (_referenceFacetsDone || _reference is null)
            return _referenceFacets;
        _referenceFacetsDone = true;
        double Time(string sql)
        {
            var (seconds, _) = _reference.TimeInShell(sql, TimedRepeats + 1);
            return Percentiles.Median(seconds.Skip(1).Select(s => s * 1000).ToList());
        }
        _referenceFacets = (Time(ReferenceFacetSql(null)), Time(ReferenceFacetSql(CommonWord)));
        return _referenceFacets;
    }

    private string ReferenceFacetSql(string? search)
    {
        string where = search is null ? "" : $" where rowid in (select rowid from [{TableName}_fts] where [{TableName}_fts] match '\"{search}\"')";
        return $"select [{FacetColumn}], count(*) as n from [{TableName}]{where} group by [{FacetColumn}] order by n desc, [{FacetColumn}] limit {FacetLimit};";
    }

    private void CheckFacet(string check, FacetResult trawl, string sql)
    {
        var (_, rows) = _reference!.TimeInShell(sql, 1);
        var expected = rows.Select(r => r.Trim()).ToList();
        var actual = trawl.Values.Select(v => $"{Convert.ToString(v.Value, CultureInfo.InvariantCulture)}|{v.Count}").ToList();
        bool ok = expected.SequenceEqual(actual);
        report.WriteLine(json =>
        {
            json.WriteString("bench", Bench);
            json.WriteString("check", check);
            json.WriteNumber("values", actual.Count);
            json.WriteBoolean("ok", ok);
        });
        if (!ok)
            report.Note($"{check}: trawl [{string.Join(", ", actual.Take(5))} ...] vs sqlite [{string.Join(", ", expected.Take(5))} ...]");
    }

    private static double MedianMs(Action action)
    {
        action();
        var ms = new List<double>(TimedRepeats);
        for (int i = 0; i < TimedRepeats; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            ms.Add(clock.Elapsed.TotalMilliseconds);
        }
        return Percentiles.Median(ms);
    }

    private static async Task<double> MedianHttpMs(HttpClient http, string url)
    {
        await GetAsync(http, url);
        var ms = new List<double>(TimedRepeats);
        for (int i = 0; i < TimedRepeats; i++)
            ms.Add(await GetAsync(http, url));
        return Percentiles.Median(ms);
    }

    /// <summary>GETs a URL and reads the whole body; returns milliseconds. A non-200 answer stops the phase.</summary>
    private static async Task<double> GetAsync(HttpClient http, string url) => (await GetWithBodyAsync(http, url)).Ms;

    private static async Task<(double Ms, string Body)> GetWithBodyAsync(HttpClient http, string url)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseContentRead);
        string body = await response.Content.ReadAsStringAsync();
        double ms = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
        return (ms, body);
    }

    private static string SearchUrl(string tableUrl, string search) =>
        $"{tableUrl}?_search={Uri.EscapeDataString(search)}&_size={PageSize}";

    private bool Phase(string name, Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            report.Note($"{name} not measured: {e.GetType().Name}: {FirstLines(e.Message)}");
            return false;
        }
    }

    private async Task<bool> PhaseAsync(string name, Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            report.Note($"{name} not measured: {e.GetType().Name}: {FirstLines(e.Message)}");
            return false;
        }
    }

    private static string FirstLines(string text)
    {
        var lines = text.Split('\n');
        return lines.Length <= 12 ? text : string.Join('\n', lines.Take(12)) + "\n...";
    }
}
