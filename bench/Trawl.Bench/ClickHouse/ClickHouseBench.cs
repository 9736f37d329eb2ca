using System.Diagnostics;
using System.Globalization;
using System.Text;
using Trawl.Bench.Reporting;
using Trawl.ClickHouse.Engines;
using Trawl.ClickHouse.Push;
using Trawl.ClickHouse.Queries;
using Trawl.ClickHouse.Sql;
using Trawl.Formats.NumPy;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Vectors;

namespace Trawl.Bench.ClickHouse;

/// <summary>
/// <c>clickhouse</c>: one LAION-like part (synthetic: captions from a small vocabulary, unit-norm random 768-d image
/// vectors) — push throughput against the ClickHouse guide's route (CSV + clickhouse-client INSERT FORMAT CSV), exact kNN
/// k=30 on clickhouse-server 18.16, chDB (cosineDistance) and Trawl's embedded exact search, chDB's vector_similarity
/// index (recall@30, ms per query), and a search + facet page on the server against the embedded store.
/// </summary>
internal static class ClickHouseBench
{
    public const string Usage = "[--rows 200000] [--dim 768] [--queries 10] [--server-queries 3] [--hnsw-rows 20000] [--guide-rows N (default: all)] [--dir DIR] [--out FILE]\n" +
        "             [--phases generate,push,knn,chdbpush,chdb,serve] (a kept --dir is reused: its dataset, server data and chDB tables)";
    private static readonly string[] Words = ["cat", "dog", "beach", "city", "portrait", "art", "vintage", "car", "food", "flower", "mountain", "night", "red", "blue", "green", "house"];

    public static int Run(string[] args)
    {
        int rows = 200_000, dim = 768, queries = 10, serverQueries = 3, hnswRows = 20_000, guideRows = int.MaxValue;
        string? dir = null, output = null;
        HashSet<string> phases = ["generate", "push", "knn", "chdbpush", "chdb", "serve"];
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": rows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dim": dim = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--queries": queries = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--server-queries": serverQueries = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--guide-rows": guideRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--hnsw-rows": hnswRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dir": dir = args[++i]; break;
                case "--out": output = args[++i]; break;
                case "--phases": phases = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal); break;
                default: throw new ArgumentException($"clickhouse: unknown option {args[i]}; usage: clickhouse {Usage}");
            }
        }
        if (!File.Exists(BenchServer.Binary))
            throw new ArgumentException($"clickhouse: {BenchServer.Binary} is not installed (apt-get install clickhouse-server)");
        bool ownDir = dir is null;
        dir ??= Path.Combine(Path.GetTempPath(), "trawl-bench-ch-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        using var report = new BenchReport(output);
        report.WriteLine(j =>
        {
            j.WriteString("run", "clickhouse");
            j.WriteNumber("rows", rows);
            j.WriteNumber("dim", dim);
            j.WriteNumber("hnsw_rows", Math.Min(hnswRows, rows));
            j.WriteString("load_average", File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "");
            MachineInfo.Write(j);
        });
        try
        {
            string datasetPath = Path.Combine(dir, "laion.trawl");
            if (!Directory.Exists(datasetPath))
            {
                if (!phases.Contains("generate"))
                    throw new ArgumentException($"clickhouse: {datasetPath} does not exist; add the generate phase");
                Generate(dir, rows, dim);
            }
            using var ds = Dataset.Open(datasetPath);
            long datasetRows = ds.CountRows(new TableQuery { Table = "laion" });
            if (datasetRows != rows)
                throw new ArgumentException($"clickhouse: {datasetPath} has {datasetRows} rows, not --rows {rows}; use another --dir");
            using var server = new BenchServer(dir);
            var uri = new ClickHouseUri("127.0.0.1", server.HttpPort, "default", null);
            using var engine = ClickHouseHttpEngine.Open(uri);
            report.WriteLine(j =>
            {
                j.WriteString("phases", string.Join(",", phases));
                j.WriteString("server_version", engine.Version.ToString());
            });

            // Push: the guide's route first (CSV file, then clickhouse-client FORMAT CSV; its CSV is deleted before
            // Trawl pushes, so the disk holds one copy at a time), then Trawl (RowBinary over HTTP).
            if (phases.Contains("push"))
                Push(report, engine, server, ds, dir, rows, Math.Min(rows, guideRows));

            // Exact kNN, k = 30: query vectors are rows of the dataset's set (as stored, f16).
            var rng = new Random(7);
            var imageSet = ds.OpenVectorSet("image");
            var qs = Enumerable.Range(0, queries).Select(_ =>
            {
                var q = new float[dim];
                imageSet.Matrix.CopyRowTo(rng.Next(rows), q);
                return q;
            }).ToList();
            double embeddedMs = 0;
            if (phases.Contains("knn") || phases.Contains("chdb"))
                embeddedMs = Time(qs, q => ds.Knn(new Trawl.Store.VectorSets.KnnQuery { VectorSet = "image", Vector = q, K = 30, Exact = true }));
            if (phases.Contains("knn"))
            {
                var table = ClickHouseTable.Open(engine, "laion");
                table.TimeLimitSeconds = 3600;
                BenchReport.Progress("exact kNN on the 18.16 server");
                var serverMs = Time(qs.Take(Math.Max(1, serverQueries)).ToList(), q => table.Knn("image_embedding", q, 30, VectorMetric.Cosine));
                report.Add(new BenchFigure("clickhouse", "exact kNN k=30, 18.16 server ms/query", serverMs, "ms", "Trawl embedded exact (f16)", embeddedMs),
                    $"median of {Math.Max(1, serverQueries)} after one warm-up");
            }

            if (!phases.Contains("chdb") && !phases.Contains("chdbpush"))
            {
            }
            else if (ChdbEngine.DefaultLibraryPath() is { } lib && File.Exists(lib))
            {
                Chdb(report, ds, dir, rows, dim, hnswRows, qs, embeddedMs, phases.Contains("chdbpush"), phases.Contains("chdb"));
            }
            else
            {
                report.Note("chDB not installed: its figures were not measured");
            }

            // Pages through `trawl serve`: the same server app with the embedded dataset and the clickhouse:// one.
            if (phases.Contains("serve"))
            {
                BenchReport.Progress("pages through trawl serve");
                var (firstCh, firstEmb, walkCh, walkEmb) = ServePages(datasetPath, $"clickhouse://127.0.0.1:{server.HttpPort}/default").GetAwaiter().GetResult();
                report.Add(new BenchFigure("clickhouse", "serve: ranked search+count+facet page, 18.16 server ms", firstCh, "ms", "same page on the embedded dataset", firstEmb),
                    "GET /DB/laion.json?_search=cat+beach&_facet=NSFW&_size=50, median of 7");
                report.Add(new BenchFigure("clickhouse", "serve: 20 pages sorted by similarity via _next, 18.16 server ms/page", walkCh, "ms", "same walk on the embedded dataset", walkEmb),
                    "keyset cursors, _size=100, median page");
            }
            report.PrintSummary();
            return 0;
        }
        finally
        {
            if (ownDir)
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static readonly string[] GuideColumns = ["url", "caption", "NSFW", "similarity"];

    /// <param name="guideRows">Rows the guide's route loads (the first ones): at 1 M it would not fit one bench-lock slot
    /// on a loaded machine; the two routes are compared by rows per second.</param>
    private static void Push(BenchReport report, ClickHouseHttpEngine engine, BenchServer server, Dataset ds, string dir, int rows, int guideRows)
    {
        foreach (string t in new[] { "laion", "laion_csv", "_trawl_push", "_trawl_push_vectors" })
            engine.Execute("DROP TABLE IF EXISTS " + t);
        BenchReport.Progress("guide route: CSV export");
        var csvClock = Stopwatch.StartNew();
        string csv = Path.Combine(dir, "laion.csv");
        long csvBytes = ExportCsv(ds, csv, guideRows);
        var exportTime = csvClock.Elapsed;
        engine.Execute("CREATE TABLE laion_csv (id Int64, url String, caption String, NSFW Nullable(String), similarity Float64, image_embedding Array(Float32)) ENGINE = MergeTree ORDER BY id");
        BenchReport.Progress("guide route: clickhouse-client INSERT FORMAT CSV");
        var insertClock = Stopwatch.StartNew();
        RunClient(server.TcpPort, "INSERT INTO laion_csv FORMAT CSV", csv);
        var insertTime = insertClock.Elapsed;
        File.Delete(csv);
        if (engine.Query("SELECT count() FROM laion_csv").ScalarInt64() != guideRows)
            throw new InvalidOperationException("the CSV route did not load every row");
        engine.Execute("DROP TABLE laion_csv");

        BenchReport.Progress("trawl push to clickhouse-server " + engine.Version);
        var push = DatasetPush.Run(engine, ds, new PushRequest { Columns = GuideColumns, VectorType = PushVectorType.Float32 });
        double guideSeconds = exportTime.TotalSeconds + insertTime.TotalSeconds;
        report.Add(new BenchFigure("clickhouse", "push rows/s", rows / push.Elapsed.TotalSeconds, "rows/s",
            "CSV export + clickhouse-client INSERT FORMAT CSV", guideRows / guideSeconds), $"≥ 3× reference; Trawl pushed {rows} rows, the guide's route loaded {guideRows}");
        report.Add(new BenchFigure("clickhouse", "push MB/s (RowBinary sent)", push.BytesSent / 1e6 / push.Elapsed.TotalSeconds, "MB/s",
            "guide route, CSV MB/s", csvBytes / 1e6 / guideSeconds));
        report.Add(new BenchFigure("clickhouse", "guide route: CSV export s", exportTime.TotalSeconds, "s"));
        report.Add(new BenchFigure("clickhouse", "guide route: INSERT FORMAT CSV s", insertTime.TotalSeconds, "s", "CSV bytes " + csvBytes));
    }

    /// <summary>chDB 26.5: the guide's table (Array(Float32)) and a BFloat16 copy; exact kNN by cosineDistance on
    /// both and the guide's own L2Distance statement; a vector_similarity index over the first rows.</summary>
    private static void Chdb(BenchReport report, Dataset ds, string dir, int rows, int dim, int hnswRows, List<float[]> qs, double embeddedMs, bool push, bool query)
    {
        using var chdb = ChdbEngine.Open(Path.Combine(dir, "chdb"), "bench");
        if (push)
        {
            foreach (string t in new[] { "laion", "laion_bf16", "laion_hnsw", "_trawl_push", "_trawl_push_vectors" })
                chdb.Execute("DROP TABLE IF EXISTS " + t);
            // Both without the text index, so they compare; the index is added to laion afterwards and timed on its own,
            // and laion_bf16 keeps the same captions without it (searches by scan, below).
            BenchReport.Progress("push to chDB " + chdb.Version + " (Float32)");
            var f32Push = DatasetPush.Run(chdb, ds, new PushRequest { Columns = GuideColumns, VectorType = PushVectorType.Float32, TextIndex = PushTextIndex.Off });
            BenchReport.Progress("push to chDB (BFloat16)");
            var bf16Push = DatasetPush.Run(chdb, ds, new PushRequest { Columns = GuideColumns, VectorType = PushVectorType.BFloat16, TargetTable = "laion_bf16", TextIndex = PushTextIndex.Off });
            BenchReport.Progress("text index on laion.caption (ALTER TABLE ADD INDEX, MATERIALIZE INDEX)");
            var textClock = Stopwatch.StartNew();
            bool nullable = ClickHouseTable.Open(chdb, "laion").Column("caption").Type.StartsWith("Nullable(", StringComparison.Ordinal);
            chdb.Execute("ALTER TABLE laion ADD " + TextIndex.Declaration("caption", nullable));
            chdb.Execute("ALTER TABLE laion MATERIALIZE INDEX " + ClickHouseSql.Identifier(TextIndex.Name("caption")),
                new QuerySettings { Other = new Dictionary<string, string> { ["mutations_sync"] = "2" } });
            report.Add(new BenchFigure("clickhouse", "chDB text index build s (ADD + MATERIALIZE INDEX)", textClock.Elapsed.TotalSeconds, "s", "push of the table (Float32)", f32Push.Elapsed.TotalSeconds),
                $"{rows} captions");
            report.Add(new BenchFigure("clickhouse", "push to chDB rows/s, Array(BFloat16)", rows / bf16Push.Elapsed.TotalSeconds, "rows/s",
                "same push as Array(Float32)", rows / f32Push.Elapsed.TotalSeconds), "chDB " + chdb.Version);
            long Bytes(string t) => chdb.Query($"SELECT sum(bytes_on_disk) FROM system.parts WHERE database = currentDatabase() AND table = '{t}' AND active").ScalarInt64();
            report.Add(new BenchFigure("clickhouse", "chDB table bytes on disk, BFloat16 vectors", Bytes("laion_bf16"), "bytes", "Float32 vectors", Bytes("laion")));
        }
        if (!query)
            return;

        var f32 = ClickHouseTable.Open(chdb, "laion");
        var bf16 = ClickHouseTable.Open(chdb, "laion_bf16");
        f32.TimeLimitSeconds = bf16.TimeLimitSeconds = 3600;
        BenchReport.Progress("exact kNN on chDB");
        var chdbMs = Time(qs, q => f32.Knn("image_embedding", q, 30, VectorMetric.Cosine));
        report.Add(new BenchFigure("clickhouse", "exact kNN k=30, chDB cosineDistance ms/query", chdbMs, "ms", "Trawl embedded exact (f16)", embeddedMs));
        // The guide's statement as it is written there, on the pushed table.
        var guideMs = Time(qs, q => chdb.Query($"SELECT url, caption FROM laion ORDER BY L2Distance(image_embedding, {Trawl.ClickHouse.Sql.ClickHouseSql.Float32Array(q)}) LIMIT 30",
            new QuerySettings { MaxExecutionSeconds = 3600 }));
        report.Add(new BenchFigure("clickhouse", "guide's L2Distance SQL k=30 on chDB ms/query", guideMs, "ms", "Trawl embedded exact (f16)", embeddedMs));
        var bf16Ms = Time(qs, q => bf16.Knn("image_embedding", q, 30, VectorMetric.Cosine));
        report.Add(new BenchFigure("clickhouse", "exact kNN k=30, chDB cosineDistance over BFloat16 ms/query", bf16Ms, "ms", "over Float32", chdbMs));
        int same = 0;
        foreach (var q in qs)
        {
            var exact = f32.Knn("image_embedding", q, 30, VectorMetric.Cosine).Select(h => h.Id).ToHashSet();
            same += bf16.Knn("image_embedding", q, 30, VectorMetric.Cosine).Count(h => exact.Contains(h.Id));
        }
        report.Add(new BenchFigure("clickhouse", "BFloat16 exact kNN recall@30 against Float32", same / (30.0 * qs.Count), ""), $"{qs.Count} queries");

        // Searches through the text index (laion) against the same captions without one (laion_bf16), and the
        // search + facet page through `trawl serve` over chDB (in process) against the embedded dataset.
        foreach (string search in new[] { "house", "\"house green\"", "cat beach" })
        {
            var withIndex = new TableQuery { Table = "laion", Search = search };
            long matches = f32.Count(withIndex);
            if (bf16.Count(withIndex with { Table = "laion_bf16" }) != matches)
                throw new InvalidOperationException($"search {search}: the text index and the scan count differently");
            var indexMs = Time(qs, _ => f32.Count(withIndex));
            var scanMs = Time(qs, _ => bf16.Count(withIndex with { Table = "laion_bf16" }));
            report.Add(new BenchFigure("clickhouse", $"chDB count() of search {search}: text index ms", indexMs, "ms", "same count by scan, no text index", scanMs),
                $"{matches} of {rows} rows match; text index: {f32.HasTextIndex("caption")}, scan table: {bf16.HasTextIndex("caption")}");
        }
        BenchReport.Progress("pages through trawl serve over chDB");
        var pages = ServeSearchPages(Path.Combine(dir, "laion.trawl"), chdb, ["laion", "laion_bf16"]).GetAwaiter().GetResult();
        report.Add(new BenchFigure("clickhouse", "serve: ranked search+count+facet page, chDB (in process) with text index ms", pages[0], "ms", "same page on the embedded dataset", pages[^1]),
            "GET /bench/laion.json?_search=cat+beach&_facet=NSFW&_size=50, median of 7");
        report.Add(new BenchFigure("clickhouse", "serve: ranked search+count+facet page, chDB (in process) without text index ms", pages[1], "ms", "same page on the embedded dataset", pages[^1]),
            "GET /bench/laion_bf16.json?..., median of 7");

        // The HNSW build is the slow part (single-threaded inserts into the graph): it covers the first
        // --hnsw-rows rows, and recall is against chDB's exact answer over those same rows.
        int indexed = Math.Min(hnswRows, rows);
        BenchReport.Progress($"chDB vector_similarity index over {indexed:N0} rows");
        var build = Stopwatch.StartNew();
        chdb.Execute($"CREATE TABLE laion_hnsw (id Int64, image_embedding Array(Float32), INDEX vi image_embedding TYPE vector_similarity('hnsw', 'cosineDistance', {dim})) ENGINE = MergeTree ORDER BY id");
        chdb.Execute($"INSERT INTO laion_hnsw SELECT id, image_embedding FROM laion WHERE id < {indexed}");
        chdb.Execute("OPTIMIZE TABLE laion_hnsw FINAL");
        report.Add(new BenchFigure("clickhouse", "chDB vector_similarity hnsw build s", build.Elapsed.TotalSeconds, "s"), $"{indexed} rows");
        var hnsw = ClickHouseTable.Open(chdb, "laion_hnsw");
        hnsw.TimeLimitSeconds = 3600;
        var subset = new TableQuery { Table = "laion", Where = $"id < {indexed}" };
        int found = 0;
        foreach (var q in qs)
        {
            var exact = f32.Knn("image_embedding", q, 30, VectorMetric.Cosine, subset).Select(h => h.Id).ToHashSet();
            found += hnsw.Knn("image_embedding", q, 30, VectorMetric.Cosine).Count(h => exact.Contains(h.Id));
        }
        var subsetMs = Time(qs, q => f32.Knn("image_embedding", q, 30, VectorMetric.Cosine, subset));
        var hnswMs = Time(qs, q => hnsw.Knn("image_embedding", q, 30, VectorMetric.Cosine));
        report.Add(new BenchFigure("clickhouse", "chDB vector_similarity ms/query", hnswMs, "ms", "chDB exact cosineDistance over the same rows", subsetMs), $"{indexed} rows");
        report.Add(new BenchFigure("clickhouse", "chDB vector_similarity recall@30", found / (30.0 * qs.Count), ""), $"{indexed} rows, {qs.Count} queries");
        foreach (string t in new[] { "laion_hnsw" })
            chdb.Execute("DROP TABLE IF EXISTS " + t);
    }

    /// <summary>Median ms of the first search + facet page, and of a page in a 20-page walk by <c>_next</c>, for each dataset through one server app.</summary>
    private static async Task<(double FirstCh, double FirstEmb, double WalkCh, double WalkEmb)> ServePages(string embedded, string clickhouse)
    {
        Trawl.Store.Contracts.DatasetOpeners.Register(new Trawl.ClickHouse.Datasets.ClickHouseDatasetOpener());
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        await using var app = Trawl.Server.TrawlServer.Build([embedded, clickhouse], new Trawl.Server.ServerOptions { Port = 0 });
        await app.StartAsync();
        try
        {
            string baseUrl = app.Urls.First().TrimEnd('/');
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            async Task<(double Ms, string? Next)> Get(string url)
            {
                var clock = Stopwatch.StartNew();
                using var r = await http.GetAsync(url);
                string body = await r.Content.ReadAsStringAsync();
                if (!r.IsSuccessStatusCode)
                    throw new InvalidOperationException($"{url}: {(int)r.StatusCode} {body}");
                double ms = clock.Elapsed.TotalMilliseconds;
                using var doc = System.Text.Json.JsonDocument.Parse(body);
                return (ms, doc.RootElement.TryGetProperty("next", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.String ? n.GetString() : null);
            }
            async Task<double> First(string name)
            {
                var ms = new List<double>();
                for (int i = 0; i < 8; i++)
                    ms.Add((await Get($"{baseUrl}/{name}/laion.json?_search=cat+beach&_facet=NSFW&_size=50")).Ms);
                return Median(ms.Skip(1).ToList());
            }
            async Task<double> Walk(string name)
            {
                var ms = new List<double>();
                string? next = null;
                for (int i = 0; i < 20; i++)
                {
                    var (t, n) = await Get($"{baseUrl}/{name}/laion.json?_sort_desc=similarity&_size=100" + (next is null ? "" : "&_next=" + Uri.EscapeDataString(next)));
                    ms.Add(t);
                    if (n is null)
                        break;
                    next = n;
                }
                return Median(ms);
            }
            string ch = "default", emb = Path.GetFileNameWithoutExtension(embedded);
            return (await First(ch), await First(emb), await Walk(ch), await Walk(emb));
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>Median ms of the search + facet page on each chDB table through one server app (a chdb:// location opened
    /// in this process), then on the embedded dataset (last).</summary>
    private static async Task<double[]> ServeSearchPages(string embedded, ChdbEngine chdb, string[] tables)
    {
        Trawl.Store.Contracts.DatasetOpeners.Register(new ChdbOpener(chdb));
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        await using var app = Trawl.Server.TrawlServer.Build([embedded, "chdb://" + chdb.Database], new Trawl.Server.ServerOptions { Port = 0 });
        await app.StartAsync();
        try
        {
            string baseUrl = app.Urls.First().TrimEnd('/');
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            async Task<double> Page(string path)
            {
                var ms = new List<double>();
                for (int i = 0; i < 8; i++)
                {
                    var clock = Stopwatch.StartNew();
                    using var r = await http.GetAsync($"{baseUrl}/{path}.json?_search=cat+beach&_facet=NSFW&_size=50");
                    string body = await r.Content.ReadAsStringAsync();
                    if (!r.IsSuccessStatusCode)
                        throw new InvalidOperationException($"{path}: {(int)r.StatusCode} {body}");
                    ms.Add(clock.Elapsed.TotalMilliseconds);
                }
                return Median(ms.Skip(1).ToList());
            }
            var result = new List<double>();
            foreach (string t in tables)
                result.Add(await Page($"{chdb.Database}/{t}"));
            result.Add(await Page($"{Path.GetFileNameWithoutExtension(embedded)}/laion"));
            return result.ToArray();
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>Opens chdb://DB as the bench's chDB session in that database (chDB is in process: there is no URI to reach it by).</summary>
    private sealed class ChdbOpener(ChdbEngine chdb) : Trawl.Store.Contracts.IDatasetOpener
    {
        public string Backend => "chdb (bench)";

        public bool Handles(string location) => location.StartsWith("chdb://", StringComparison.Ordinal);

        public Trawl.Store.Contracts.IDatasetSource Open(string location) =>
            new Trawl.ClickHouse.Datasets.ClickHouseDataset(chdb.InDatabase(location["chdb://".Length..]), location);
    }

    private static double Median(List<double> ms)
    {
        ms.Sort();
        return ms[ms.Count / 2];
    }

    /// <summary>Median milliseconds over the inputs (the first run warms up and is not counted).</summary>
    private static double Time<T, TResult>(IReadOnlyList<T> inputs, Func<T, TResult> run)
    {
        run(inputs[0]);
        var ms = new List<double>();
        foreach (var input in inputs)
        {
            var clock = Stopwatch.StartNew();
            run(input);
            ms.Add(clock.Elapsed.TotalMilliseconds);
        }
        ms.Sort();
        return ms[ms.Count / 2];
    }

    private static void Generate(string dir, int rows, int dim)
    {
        BenchReport.Progress($"generating {rows:N0} rows × {dim} vectors");
        var rng = new Random(1);
        var csv = new StringBuilder("url,caption,NSFW,similarity\n");
        string[] nsfw = ["UNLIKELY", "UNLIKELY", "UNLIKELY", "UNSURE", "NSFW"];
        string metaPath = Path.Combine(dir, "metadata_0000.csv");
        using (var w = new StreamWriter(metaPath))
        {
            w.Write("url,caption,NSFW,similarity\n");
            for (int i = 0; i < rows; i++)
            {
                int n = 4 + rng.Next(10);
                var caption = string.Join(' ', Enumerable.Range(0, n).Select(_ => Words[(int)(Words.Length * Math.Pow(rng.NextDouble(), 2))]));
                w.Write($"https://img{rng.Next(500)}.example.com/{i}.jpg,{caption},{nsfw[rng.Next(nsfw.Length)]},{(0.25 + rng.NextDouble() * 0.15).ToString("0.######", CultureInfo.InvariantCulture)}\n");
            }
        }
        // Streamed row by row: a 1M × 768 matrix is 3 GB, more than one span can hold.
        string npy = Path.Combine(dir, "img_emb_0000.npy");
        using (var f = new FileStream(npy, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            string header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dim}), }}";
            int total = 10 + header.Length + 1;
            header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
            f.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y']);
            f.Write([1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)]);
            f.Write(Encoding.ASCII.GetBytes(header));
            var v = new float[dim];
            for (int i = 0; i < rows; i++)
            {
                double norm = 0;
                for (int d = 0; d < dim; d++)
                {
                    double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                    v[d] = (float)g;
                    norm += g * g;
                }
                float inv = (float)(1 / Math.Sqrt(norm));
                for (int d = 0; d < dim; d++)
                    v[d] *= inv;
                f.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()));
            }
        }
        string dataset = Path.Combine(dir, "laion.trawl");
        DatasetIngest.Run(dataset, new IngestRequest
        {
            Sources = [metaPath],
            Table = "laion",
            SearchColumns = ["caption"],
            Vectors = new Dictionary<string, IReadOnlyList<string>> { ["image"] = [npy] },
        });
        File.Delete(npy);
        File.Delete(metaPath);
    }

    /// <summary>The guide's intermediate file: id, url, caption, NSFW, similarity, image_embedding as "[...]".</summary>
    private static long ExportCsv(Dataset ds, string path, int maxRows)
    {
        var set = ds.OpenVectorSet("image");
        var v = new float[set.Matrix.Dimension];
        Span<char> number = stackalloc char[32];
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        foreach (var row in ds.StreamRows(new TableQuery { Table = "laion", Where = $"rowid < {maxRows}" }, out var names))
        {
            long id = (long)row[0]!;
            set.Matrix.CopyRowTo(id, v);
            w.Write(id.ToString(CultureInfo.InvariantCulture));
            for (int c = 1; c <= 4; c++)
            {
                w.Write(',');
                w.Write(Csv(row[c]));
            }
            w.Write(",\"[");
            for (int d = 0; d < v.Length; d++)
            {
                if (d > 0)
                    w.Write(',');
                v[d].TryFormat(number, out int written, "R", CultureInfo.InvariantCulture);
                w.Write(number[..written]);
            }
            w.Write("]\"\n");
        }
        w.Flush();
        return w.BaseStream.Length;
    }

    private static string Csv(object? value) => value switch
    {
        null => "",
        string s => "\"" + s.Replace("\"", "\"\"") + "\"",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static void RunClient(int port, string query, string inputFile)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec clickhouse-client --host 127.0.0.1 --port {port} --query \"$1\" < \"$2\"");
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(query);
        start.ArgumentList.Add(inputFile);
        using var p = Process.Start(start)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException("clickhouse-client failed: " + err);
    }
}
