using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Trawl.Bench.Captions;
using Trawl.Bench.Laion;
using Trawl.Formats.NumPy;
using Trawl.Store.AnnIndexes;
using Trawl.Store.Duplicates;
using Trawl.Store.Export;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Vectors;
using Trawl.Vectors.Duplicates;

namespace Trawl.Bench.Curate;

/// <summary>
/// <c>curate [--n 200000] [--rows 1000000] [--dir /tmp/trawl-curate] [--skip-faiss] [--skip-exact] [--skip-vectors] [--skip-export] [--skip-minhash] [--skip-writers] [--export-runs 1] [--profile-export]</c>: near-duplicate detection on
/// CLIP-like vectors (gen_clip_like.py) with 5% planted near-duplicates (cosine 0.96–0.995) — trawl dedupe exact and
/// through HNSW32, against faiss range_search on IndexFlatIP and an HNSW32 search, recall/precision of the planted
/// pairs for each; Parquet export of a LAION-like table against DuckDB's COPY TO and Parquet.Net 6.1.0, with sizes;
/// MinHash dedupe of the captions in rows/s. Prints JSON lines {bench, what, figure, unit, reference, reference_figure, ratio}.
/// </summary>
internal static class CurateBench
{
    private const string Python = "/usr/bin/python3";
    private const double Threshold = 0.95;

    public static int Run(string[] args)
    {
        int n = IntArg(args, "--n", 200_000), rows = IntArg(args, "--rows", 1_000_000);
        string dir = StringArg(args, "--dir", "/tmp/trawl-curate");
        bool skipFaiss = args.Contains("--skip-faiss"), skipVectors = args.Contains("--skip-vectors"), skipExport = args.Contains("--skip-export");
        Directory.CreateDirectory(dir);
        Console.Error.WriteLine($"curate bench: {n:N0} vectors, {rows:N0} table rows, {Environment.ProcessorCount} threads, load {Load()}");
        if (args.Contains("--profile-export"))
        {
            string dataset = Path.Combine(dir, $"table{rows}", "ds.trawl");
            if (!Directory.Exists(dataset)) throw new ArgumentException($"{dataset}: run the export benchmark once first (it ingests the table)");
            ExportProfile.Run(dataset, Path.Combine(dir, $"table{rows}", "profile"), (what, figure, unit) => Emit(what, figure, unit, null, null));
            return 0;
        }
        if (!skipVectors) Vectors(dir, n, skipFaiss, args.Contains("--skip-exact"));
        if (!skipExport) ExportAndMinHash(dir, rows, args.Contains("--skip-minhash"), args.Contains("--skip-writers"), IntArg(args, "--export-runs", 1));
        return 0;
    }

    private static void Vectors(string dir, int n, bool skipFaiss, bool skipExact)
    {
        string vdir = Path.Combine(dir, $"clip{n}");
        string scripts = Path.Combine(DuckDb.RepoRoot(), "bench", "Trawl.Bench", "Curate", "curate_peers.py");
        if (!File.Exists(Path.Combine(vdir, "planted.npy")))
        {
            Exec(Python, [FindGenerator(), vdir, "--n", n.ToString(CultureInfo.InvariantCulture), "--nq", "1", "--dim", "768"]);
            Console.Error.WriteLine(Exec(Python, [scripts, "plant", vdir, "--fraction", "0.05"]));
        }
        long[] planted = ReadPairs(Path.Combine(vdir, "planted_pairs.npy"));

        JsonElement? faiss = null;
        if (!skipFaiss)
        {
            string[] faissArgs = [scripts, "faiss", vdir, "--threshold", Threshold.ToString(CultureInfo.InvariantCulture), .. skipExact ? ["--skip-flat"] : Array.Empty<string>()];
            string line = Exec(Python, faissArgs, ("OMP_WAIT_POLICY", "PASSIVE"));
            faiss = JsonDocument.Parse(line.Trim().Split('\n')[^1]).RootElement.Clone();
        }

        string dataset = Path.Combine(vdir, "ds.trawl");
        if (Directory.Exists(dataset)) Directory.Delete(dataset, recursive: true);
        string csv = Path.Combine(vdir, "rows_0.csv");
        File.WriteAllLines(csv, ["id", .. Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture))]);
        File.Copy(Path.Combine(vdir, "planted.npy"), Path.Combine(vdir, "emb_0.npy"), overwrite: true);
        DatasetIngest.Run(dataset, new IngestRequest
        {
            Sources = [csv],
            Table = "items",
            Vectors = new Dictionary<string, IReadOnlyList<string>> { ["emb"] = [Path.Combine(vdir, "emb_0.npy")] },
        });

        // At a million rows the exact pair search (rows² / 2 dot products) takes hours on two cores, for faiss as for us:
        // --skip-exact runs only the index path.
        var clock = Stopwatch.StartNew();
        if (!skipExact) Exact(dataset, n, planted, faiss, vdir);

        clock.Restart();
        var build = DatasetIndexes.Build(dataset, "emb", "HNSW32", new DatasetIndexBuildOptions { Metric = VectorMetric.Cosine, EfConstruction = 100 });
        double buildS = clock.Elapsed.TotalSeconds;
        double? faissBuild = faiss?.GetProperty("hnsw_build_s").GetDouble();
        Emit("HNSW32 build (efConstruction 100), s", buildS, "s", "faiss IndexHNSWFlat(32) build", faissBuild, faissBuild / buildS);
        ResetPeakRss();
        clock.Restart();
        var viaIndex = DatasetDedupe.Run(dataset, new DedupeRequest { Threshold = Threshold, Metric = "cosine", Candidates = 16, Restart = true, RecallSample = 200 });
        double indexS = clock.Elapsed.TotalSeconds;
        double? faissSearch = faiss?.GetProperty("hnsw_search_s").GetDouble();
        Emit("dedupe through HNSW32 (16 candidates, ef 64, exact re-check, recall sample 200), s", indexS, "s", "faiss IndexHNSWFlat search k=17, ef 64", faissSearch, faissSearch / indexS);
        var (hnswRecall, hnswPrecision) = Score(ReadClusters(dataset, n), planted);
        var faissHnsw = faiss is null ? ((double, double)?)null : Score(Clusters(ReadPairs(Path.Combine(vdir, "faiss_hnsw_pairs.npy")), n), planted);
        Emit("dedupe HNSW32: recall of planted pairs", hnswRecall, "", "faiss HNSW32 k=17 filtered", faissHnsw?.Item1);
        Emit("dedupe HNSW32: precision vs planted", hnswPrecision, "", "faiss HNSW32 k=17 filtered", faissHnsw?.Item2);
        Emit("dedupe HNSW32: candidate recall reported by trawl (sample of 200 rows)", viaIndex.Recall ?? double.NaN, "", null, null);
        Emit("dedupe HNSW32: peak RSS of the process during the dedupe (index and vectors mapped), MB", PeakRssMegabytes(), "MB", null, null);
    }

    /// <summary>Resets the kernel's peak-RSS mark of this process (writing 5 to clear_refs), so the next peak is one step's.</summary>
    private static void ResetPeakRss()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static double PeakRssMegabytes()
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static void Exact(string dataset, int n, long[] planted, JsonElement? faiss, string vdir)
    {
        var cpu = Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();
        TimeSpan cpu0 = cpu.TotalProcessorTime;
        var exact = DatasetDedupe.Run(dataset, new DedupeRequest { Threshold = Threshold, Metric = "cosine", Exact = true, Restart = true });
        double exactS = clock.Elapsed.TotalSeconds;
        cpu.Refresh();
        double exactCpu = (cpu.TotalProcessorTime - cpu0).TotalSeconds;
        var (exactRecall, exactPrecision) = Score(ReadClusters(dataset, n), planted);

        double? faissFlat = faiss?.GetProperty("flat_range_search_s").GetDouble();
        Emit($"dedupe exact {n} x 768 f16, threshold {Threshold}, s (cpu {exactCpu:0.0} s)", exactS, "s", "faiss IndexFlatIP range_search (f32)", faissFlat, faissFlat / exactS);
        Emit("dedupe exact: recall of planted pairs", exactRecall, "", "faiss IndexFlatIP range_search", faiss is null ? null : Score(Clusters(ReadPairs(Path.Combine(vdir, "faiss_flat_pairs.npy")), n), planted).Recall);
        Emit("dedupe exact: precision vs planted", exactPrecision, "", "faiss IndexFlatIP range_search", faiss is null ? null : Score(Clusters(ReadPairs(Path.Combine(vdir, "faiss_flat_pairs.npy")), n), planted).Precision);
        Emit($"dedupe exact: clusters / rows in clusters", exact.Clusters, "clusters", null, null, rowsNote: exact.RowsInClusters);
    }

    private static void ExportAndMinHash(string dir, int rows, bool skipMinHash, bool skipWriters, int exportRuns)
    {
        string tdir = Path.Combine(dir, $"table{rows}");
        Directory.CreateDirectory(tdir);
        string csv = Path.Combine(tdir, "laion.csv");
        if (!File.Exists(csv)) new CaptionCsvGenerator(7).Write(csv, rows);
        string dataset = Path.Combine(tdir, "ds.trawl");
        if (!Directory.Exists(dataset))
            DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "items" });

        // trawl export (SQLite rows → Parquet, Snappy, whole call) and DuckDB's COPY TO (Snappy, its default) of the same
        // rows loaded from the same CSV (the load not timed), one after the other, --export-runs times.
        string outDir = Path.Combine(tdir, "export");
        var self = Process.GetCurrentProcess();
        for (int run = 1; run <= exportRuns; run++)
        {
            self.Refresh();
            TimeSpan cpuBefore = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var report = DatasetExport.Run(dataset, new ExportRequest { Query = new TableQuery { Table = "items" }, OutputFolder = outDir, Overwrite = true, PartRows = long.MaxValue });
            double oursS = clock.Elapsed.TotalSeconds;
            self.Refresh();
            double oursCpu = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
            string ours = Path.Combine(outDir, report.Files[0]);

            string duckFile = Path.Combine(tdir, "duckdb.parquet");
            File.Delete(duckFile);
            var duck = DuckDb.Run(
                $"CREATE TABLE t AS SELECT * FROM read_csv({DuckDb.Literal(csv)}, header = true)",
                $"COPY t TO {DuckDb.Literal(duckFile)} (FORMAT parquet)",
                $"SELECT count(*) AS n, sum(width) AS w, sum(length(caption)) AS c FROM {DuckDb.Literal(ours)}",
                "SELECT count(*) AS n, sum(width) AS w, sum(length(caption)) AS c FROM t");
            double duckS = duck[1].Ms / 1000, duckCpu = duck[1].CpuMs / 1000;
            Emit($"export {rows} LAION-like rows to Parquet (snappy), s (run {run}; cpu {oursCpu:0.00} s)", oursS, "s", $"DuckDB COPY t TO parquet (table in memory; cpu {duckCpu:0.00} s)", duckS, oursS / duckS);
            Emit($"export CPU seconds, all threads (run {run})", oursCpu, "s", "DuckDB COPY TO CPU seconds, all threads", duckCpu, oursCpu / duckCpu);
            if (run > 1) continue;
            Emit("Parquet file size (ours, trawl export)", new FileInfo(ours).Length / 1048576.0, "MB", "DuckDB COPY TO file size", new FileInfo(duckFile).Length / 1048576.0);
            Emit("DuckDB reads our file: count/sum(width)/sum(length(caption)) equal to its own table", duck[2].Rows.GetRawText() == duck[3].Rows.GetRawText() ? 1 : 0, "bool", null, null);
        }
        if (!skipWriters) WritersAlone(dataset, tdir);

        if (skipMinHash) return;
        // MinHash dedupe of the captions, whole command.
        self.Refresh();
        var mhCpuBefore = self.TotalProcessorTime;
        var mhClock = Stopwatch.StartNew();
        var minhash = DatasetDedupe.Run(dataset, new DedupeRequest { Method = DedupeMethod.MinHash, TextColumn = "caption", Threshold = 0.8 });
        double mhS = mhClock.Elapsed.TotalSeconds;
        self.Refresh();
        double mhCpu = (self.TotalProcessorTime - mhCpuBefore).TotalSeconds;
        Emit($"MinHash dedupe of {rows} captions (128 permutations, 3-word shingles, {minhash.Search}, cpu {mhCpu:0.0} s), rows/s", rows / mhS, "rows/s", null, null);
        Emit("MinHash dedupe: clusters / rows in clusters", minhash.Clusters, "clusters", null, null, rowsNote: minhash.RowsInClusters);
    }

    /// <summary>The writers alone, same rows in memory: ours, Parquet.Net 6.1.0.</summary>
    private static void WritersAlone(string dataset, string tdir)
    {
        var table = LaionTable.Read(dataset);
        var clock = Stopwatch.StartNew();
        string writerFile = Path.Combine(tdir, "writer.parquet");
        table.WriteOurs(writerFile);
        double writerS = clock.Elapsed.TotalSeconds;
        clock.Restart();
        string netFile = Path.Combine(tdir, "parquetnet.parquet");
        table.WriteParquetNet(netFile).GetAwaiter().GetResult();
        double netS = clock.Elapsed.TotalSeconds;
        Emit("our Parquet writer alone (rows in memory, snappy), s", writerS, "s", "Parquet.Net 6.1.0 (same columns, snappy)", netS, writerS / netS);
        Emit("our writer's file size", new FileInfo(writerFile).Length / 1048576.0, "MB", "Parquet.Net file size", new FileInfo(netFile).Length / 1048576.0);
    }

    /// <summary>Recall: planted pairs whose rows share a cluster. Precision: clustered rows that belong to a planted pair.</summary>
    private static (double Recall, double Precision) Score(int[] cluster, long[] planted)
    {
        int hit = 0;
        var plantedRows = new HashSet<long>();
        for (int p = 0; p < planted.Length; p += 2)
        {
            long a = planted[p], b = planted[p + 1];
            plantedRows.Add(a);
            plantedRows.Add(b);
            if (cluster[a] >= 0 && cluster[a] == cluster[b]) hit++;
        }
        int clustered = 0, good = 0;
        for (int i = 0; i < cluster.Length; i++)
        {
            if (cluster[i] < 0) continue;
            clustered++;
            if (plantedRows.Contains(i)) good++;
        }
        return (hit / (planted.Length / 2.0), clustered == 0 ? 0 : good / (double)clustered);
    }

    private static int[] ReadClusters(string dataset, int n)
    {
        var cluster = new int[n];
        Array.Fill(cluster, -1);
        using var conn = new SqliteConnection($"Data Source={Path.Combine(dataset, "meta.db")};Mode=ReadOnly;Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT rowid, dup_cluster FROM items WHERE dup_cluster IS NOT NULL";
        using var r = cmd.ExecuteReader();
        while (r.Read()) cluster[r.GetInt64(0)] = (int)r.GetInt64(1);
        return cluster;
    }

    private static int[] Clusters(long[] pairs, int n)
    {
        var uf = new UnionFind(n);
        var inPair = new bool[n];
        for (int p = 0; p < pairs.Length; p += 2)
        {
            uf.Union((int)pairs[p], (int)pairs[p + 1]);
            inPair[pairs[p]] = inPair[pairs[p + 1]] = true;
        }
        return Enumerable.Range(0, n).Select(i => inPair[i] ? uf.Find(i) : -1).ToArray();
    }

    private static long[] ReadPairs(string path)
    {
        using var npy = NpyFile.Open(path);
        var pairs = new long[npy.Rows * 2];
        if (pairs.Length > 0) Marshal.Copy(npy.DataAddress, pairs, 0, pairs.Length);
        return pairs;
    }

    private static string FindGenerator()
    {
        for (var d = new DirectoryInfo(DuckDb.RepoRoot()); d is not null; d = d.Parent)
        {
            string p = Path.Combine(d.FullName, "shared", "bench", "gen_clip_like.py");
            if (File.Exists(p)) return p;
        }
        throw new InvalidOperationException("gen_clip_like.py not found in shared/bench above the repository");
    }

    private static string Exec(string file, string[] args, params (string, string)[] env)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {stderr.Result}");
        return stdout;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";

    private static void Emit(string what, double figure, string unit, string? reference, double? referenceFigure, double? ratio = null, long? rowsNote = null)
    {
        ratio ??= referenceFigure is > 0 ? figure / referenceFigure : null;
        Reporting.FigureLine.Write("curate", what, figure, unit, reference, referenceFigure, ratio, w =>
        {
            if (rowsNote is { } rn) w.WriteNumber("rows", rn);
            w.WriteString("load", Load());
        });
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string StringArg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
