using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Trawl.Bench.Ann;
using Trawl.Bench.Measurement;
using Trawl.Formats.NumPy;
using Trawl.Store.AnnIndexes;
using Trawl.Vectors;
using Trawl.Vectors.Indexes;
using Trawl.Vectors.Search;

namespace Trawl.Bench.Scale;

/// <summary>
/// <c>Trawl.Bench scale</c>: issue 18's memory-bounded run. Float16 rows generated straight to disk in chunks
/// (gen_clip_like_f16.py), ground truth by Trawl's exact search (GB/s streamed beside a plain read of the same file,
/// checked against faiss on a prefix), then each index built and searched in its own fresh child process (build
/// time, index bytes per vector, peak resident memory, recall@10 and QPS per setting, and filtered search at four
/// densities beside exact search over the allowed rows), with faiss IVF-PQ + IndexRefineFlat and IndexHNSWSQ in the
/// same run where their float32 copy fits in memory. JSON lines out.
/// </summary>
internal static class ScaleBenchmark
{
    public const string Usage = "--dir DIR --n ROWS [--nq 10000] [--gt-queries 1000] [--indexes 'IVF4096,PQ64,Refine;HNSW16,SQ8'] "
        + "[--nprobe 8,16,32,64] [--refine 16,32] [--ef 32,64,128,256] [--densities 0.001,0.01,0.1,0.5] [--filter-queries 200] "
        + "[--steps gen,gt,build,search,peers] [--peers faiss-ivfpq,faiss-hnswsq] [--faiss-prefix 1000000] [--reuse true] [--out FILE.jsonl] [--shared DIR]";

    private const int K = 10;

    private sealed record Options
    {
        public string Dir { get; init; } = "";
        public long N { get; init; }
        public int Nq { get; init; } = 10_000;
        public int GtQueries { get; init; } = 1000;
        public List<string> Indexes { get; init; } = ["IVF4096,PQ64,Refine", "HNSW16,SQ8"];
        public List<int> NProbes { get; init; } = [8, 16, 32, 64];
        public List<int> Refines { get; init; } = [16, 32];
        public List<int> Efs { get; init; } = [32, 64, 128, 256];
        public List<double> Densities { get; init; } = [0.001, 0.01, 0.1, 0.5];
        public int FilterQueries { get; init; } = 200;
        public HashSet<string> Steps { get; init; } = ["gen", "gt", "build", "search", "peers"];
        public List<string> Peers { get; init; } = ["faiss-ivfpq"];
        public long FaissPrefix { get; init; } = 1_000_000;
        public string? Out { get; init; }
        public bool Reuse { get; init; }
        public string Shared { get; init; } = "/work/shared/bench";
    }

    private static StreamWriter? _out;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static void Emit(object value)
    {
        string line = value is JsonNode node ? node.ToJsonString() : JsonSerializer.Serialize(value, value.GetType(), Json);
        Console.WriteLine(line);
        _out?.WriteLine(line);
        _out?.Flush();
    }

    public static int Run(IReadOnlyList<string> args)
    {
        Options o = Parse(args);
        Directory.CreateDirectory(o.Dir);
        using var output = o.Out is null ? null : new StreamWriter(o.Out, append: true);
        _out = output;
        Emit(new { bench = "scale", what = "start", n = o.N, nq = o.Nq, gt_queries = o.GtQueries, cores = Environment.ProcessorCount, load = AnnBenchmark.LoadAverage(),
            date = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture), mem_total_gb = Math.Round(MemTotalBytes() / 1e9, 1) });
        string script = Path.Combine(AppContext.BaseDirectory, "Scale", "gen_clip_like_f16.py");
        string peers = Path.Combine(AppContext.BaseDirectory, "Scale", "scale_peers.py");

        if (o.Steps.Contains("gen") && !File.Exists(Path.Combine(o.Dir, $"ready-{o.N}-{o.Nq}")))
            ChildLines("/usr/bin/python3", [script, o.Dir, "--n", L(o.N), "--nq", I(o.Nq), "--shared", o.Shared], "gen");

        if (o.Steps.Contains("gt") && !File.Exists(GtPath(o)))
        {
            ChildLines(SelfCommand.FileName, [.. SelfCommand.Arguments, "scale-child", "gt", o.Dir, I(o.GtQueries), L(Math.Min(o.FaissPrefix, o.N))], "gt");
            if (o.FaissPrefix > 0)
            {
                var lines = ChildLines("/usr/bin/python3", [peers, "flat", o.Dir, "--rows", L(Math.Min(o.FaissPrefix, o.N)), "--queries", I(o.GtQueries)], "faiss-flat");
                Emit(new { bench = "scale", what = "gt-check", prefix_rows = Math.Min(o.FaissPrefix, o.N), agreement_at_10 = Math.Round(Agreement(Path.Combine(o.Dir, "gt-prefix-trawl.npy"), Path.Combine(o.Dir, "gt-prefix-faiss.npy")), 5) });
            }
        }

        foreach (string factory in o.Indexes)
        {
            string file = IndexFile(factory);
            if (o.Steps.Contains("build") && !(o.Reuse && File.Exists(Path.Combine(o.Dir, file))))
                ChildLines(SelfCommand.FileName, [.. SelfCommand.Arguments, "scale-child", "build", o.Dir, factory, file], "build " + factory);
            if (o.Steps.Contains("search"))
            {
                var spec = IndexSpec.Parse(factory);
                string settings = spec.Kind == IndexKind.Hnsw
                    ? string.Join(';', o.Efs.Select(e => $"ef={e}"))
                    : string.Join(';', o.NProbes.SelectMany(p => (spec.Refine ? o.Refines : [1]).Select(r => $"nprobe={p},refine={r}")));
                ChildLines(SelfCommand.FileName, [.. SelfCommand.Arguments, "scale-child", "search", o.Dir, file, settings, I(o.GtQueries),
                    string.Join(',', o.Densities.Select(d => d.ToString(CultureInfo.InvariantCulture))), I(o.FilterQueries)], "search " + factory);
            }
        }

        if (o.Steps.Contains("peers"))
        {
            foreach (string peer in o.Peers)
            {
                string what = peer switch { "faiss-ivfpq" => "ivfpq-refine", "faiss-hnswsq" => "hnswsq", _ => throw new ArgumentException($"unknown peer {peer} (faiss-ivfpq, faiss-hnswsq)") };
                ChildLines("/usr/bin/python3", [peers, what, o.Dir, "--gt-queries", I(o.GtQueries), "--nprobe", string.Join(',', o.NProbes), "--refine", string.Join(',', o.Refines),
                    "--ef", string.Join(',', o.Efs), .. FaissIvfArgs(o)], peer);
            }
        }
        Emit(new { bench = "scale", what = "end", load_after = AnnBenchmark.LoadAverage() });
        return 0;
    }

    /// <summary>The faiss IVF parameters mirror the first IVF factory given (nlist, PQ m).</summary>
    private static string[] FaissIvfArgs(Options o)
    {
        var ivf = o.Indexes.Select(IndexSpec.Parse).FirstOrDefault(s => s.Kind == IndexKind.IvfPq);
        return ivf is null ? [] : ["--nlist", I(ivf.NList), "--pq", I(ivf.SubQuantizers)];
    }

    private static string GtPath(Options o) => Path.Combine(o.Dir, $"gt-{o.GtQueries}.npy");

    private static string IndexFile(string factory) => "trawl-" + string.Concat(factory.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')) + ".idx";

    /// <summary>Runs a child, passes its JSON lines on (with its wall time and peak resident memory added to the last one) and returns them.</summary>
    private static List<JsonObject> ChildLines(string file, IEnumerable<string> args, string label)
    {
        Console.Error.WriteLine($"scale: {label}");
        var run = ChildProcess.Run(file, args);
        if (run.ExitCode != 0)
        {
            Emit(new { bench = "scale", what = "failed", step = label, exit_code = run.ExitCode, output = run.Output.Length > 2000 ? run.Output[^2000..] : run.Output });
            return [];
        }
        var lines = new List<JsonObject>();
        foreach (string raw in run.Output.Split('\n'))
        {
            string line = raw.Trim();
            if (!line.StartsWith('{')) continue;
            if (JsonNode.Parse(line) is JsonObject obj) lines.Add(obj);
        }
        foreach (var line in lines) line["step"] = label;
        if (lines.Count > 0)
        {
            lines[^1]["process_s"] = Math.Round(run.Wall.TotalSeconds, 1);
            lines[^1]["process_peak_rss_mb"] = Math.Round(run.PeakRssMb);
        }
        foreach (var line in lines) Emit(line);
        return lines;
    }

    /// <summary>Mean overlap of two (queries × k) int32 neighbour files' first 10 columns.</summary>
    private static double Agreement(string a, string b)
    {
        using var fa = NpyFile.Open(a);
        using var fb = NpyFile.Open(b);
        int[] x = ReadInts(fa), y = ReadInts(fb);
        int ka = (int)fa.Columns, kb = (int)fb.Columns, nq = (int)Math.Min(fa.Rows, fb.Rows);
        long hits = 0;
        var set = new HashSet<int>();
        for (int q = 0; q < nq; q++)
        {
            set.Clear();
            for (int i = 0; i < K; i++) set.Add(x[q * ka + i]);
            for (int i = 0; i < K; i++) if (set.Contains(y[q * kb + i])) hits++;
        }
        return (double)hits / ((long)nq * K);
    }

    private static unsafe int[] ReadInts(NpyFile npy)
    {
        if (npy.Type != NpyFile.ElementType.Int32) throw new InvalidOperationException("expected an int32 .npy");
        var result = new int[npy.Rows * npy.Columns];
        new ReadOnlySpan<int>((void*)npy.DataAddress, result.Length).CopyTo(result);
        return result;
    }

    // ---- child processes ----

    public static int Child(IReadOnlyList<string> args) => args[0] switch
    {
        "gt" => ChildGroundTruth(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), long.Parse(args[3], CultureInfo.InvariantCulture)),
        "build" => ChildBuild(args[1], args[2], args[3]),
        "search" => ChildSearch(args[1], args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture), args[5], int.Parse(args[6], CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException($"unknown scale-child step {args[0]}"),
    };

    /// <summary>Exact top 10 of the first queries over all rows (streamed; GB/s), a plain read of the file for the machine's figure, and the same over a prefix for faiss to check.</summary>
    private static int ChildGroundTruth(string dir, int gtQueries, long prefix)
    {
        using var base_ = NpyVectors.Open(Path.Combine(dir, "base-f16.npy"), "the base");
        using var queryFile = NpyVectors.Open(Path.Combine(dir, "queries.npy"), "the queries");
        VectorMatrix data = base_.Matrix;
        int dim = data.Dimension;
        float[] queries = queryFile.ToFloats().AsSpan(0, gtQueries * dim).ToArray();
        long bytes = data.Rows * data.RowBytes;

        // One plain pass over the file first (page cache or disk, as it comes), then the exact scan.
        double readGBps = Knn.KnnBench.StreamingReadGBps(data.Address, bytes, Environment.ProcessorCount, rounds: 1);
        Console.WriteLine(JsonSerializer.Serialize(new { what = "read", bytes, gb_per_s = Math.Round(readGBps, 2), note = "one Vector256 summing pass over the mapped file, all threads" }, Json));
        var search = ExactSearch.Create(data, VectorMetric.InnerProduct);
        var clock = Stopwatch.StartNew();
        int[] gt = TopIds(search, queries, gtQueries);
        double seconds = clock.Elapsed.TotalSeconds;
        long streamed = Trawl.Vectors.GroundTruth.GoldStandard.StreamedBytes(data, gtQueries);
        NpyFile.Write<int>(Path.Combine(dir, $"gt-{gtQueries}.npy"), gt, gtQueries, K);
        Console.WriteLine(JsonSerializer.Serialize(new { what = "exact", rows = data.Rows, queries = gtQueries, seconds = Math.Round(seconds, 2), streamed_bytes = streamed,
            gb_per_s = Math.Round(streamed / seconds / 1e9, 2), qps = Math.Round(gtQueries / seconds, 1), scans = streamed / bytes }, Json));

        if (prefix >= data.Rows)
            File.Copy(Path.Combine(dir, $"gt-{gtQueries}.npy"), Path.Combine(dir, "gt-prefix-trawl.npy"), overwrite: true);
        else if (prefix > 0)
        {
            var head = VectorMatrix.FromAddress(data.Address, Math.Min(prefix, data.Rows), dim, data.ElementType);
            int[] prefixGt = TopIds(ExactSearch.Create(head, VectorMetric.InnerProduct), queries, gtQueries);
            NpyFile.Write<int>(Path.Combine(dir, "gt-prefix-trawl.npy"), prefixGt, gtQueries, K);
        }
        return 0;
    }

    private static int[] TopIds(ExactSearch search, float[] queries, int count)
    {
        var gt = new int[count * K];
        int dim = search.Data.Dimension;
        for (int q0 = 0; q0 < count; q0 += Trawl.Vectors.GroundTruth.GoldStandard.QueriesPerScan)
        {
            int n = Math.Min(Trawl.Vectors.GroundTruth.GoldStandard.QueriesPerScan, count - q0);
            SearchResult[] r = search.SearchBatch(queries.AsSpan(q0 * dim, n * dim), K);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < K; j++) gt[(q0 + i) * K + j] = j < r[i].Count ? (int)r[i].Ids[j] : -1;
        }
        return gt;
    }

    private static int ChildBuild(string dir, string factory, string file)
    {
        var report = BareIndexes.Build(Path.Combine(dir, "base-f16.npy"), factory, Path.Combine(dir, file));
        Console.WriteLine(JsonSerializer.Serialize(new { what = "build", engine = "trawl", factory = report.Factory, rows = report.Rows, build_s = Math.Round(report.Elapsed.TotalSeconds, 1),
            index_bytes = report.SizeBytes, index_bytes_per_vector = Math.Round(report.IndexBytesPerVector, 1), self_peak_rss_mb = SelfStatusMb("VmHWM:") }, Json));
        return 0;
    }

    /// <summary>
    /// A fresh process: open (memory-mapped) and warm up (advise) as `trawl knn --index-file` does, then each setting over all queries
    /// (recall on the first gtQueries), resident memory after the sweep, then filtered searches at each density, Auto against Exact.
    /// </summary>
    private static int ChildSearch(string dir, string file, string settings, int gtQueries, string densities, int filterQueries)
    {
        var clock = Stopwatch.StartNew();
        using var base_ = NpyVectors.Open(Path.Combine(dir, "base-f16.npy"), "the base");
        using var queryFile = NpyVectors.Open(Path.Combine(dir, "queries.npy"), "the queries");
        float[] queries = queryFile.ToFloats();
        int dim = base_.Matrix.Dimension, nq = queries.Length / dim;
        int[] gt = AnnBenchmark.ReadGroundTruth(Path.Combine(dir, $"gt-{gtQueries}.npy"), gtQueries, out int gtK);
        ulong checksum = base_.Checksum();
        double checksumS = clock.Elapsed.TotalSeconds;
        using IVectorIndex index = VectorIndexFactory.Open(Path.Combine(dir, file), base_.Matrix, checksum);
        var warm = index.WarmUp(WarmUpMode.Advise);
        Console.WriteLine(JsonSerializer.Serialize(new { what = "open", engine = "trawl", factory = index.Factory, checksum_s = Math.Round(checksumS, 2), open_and_warm_ms = Math.Round((clock.Elapsed.TotalSeconds - checksumS) * 1000, 1),
            warm_ms = Math.Round(warm.Elapsed.TotalMilliseconds, 1), rss_mb = SelfStatusMb("VmRSS:") }, Json));

        var ids = new long[nq * K];
        var scores = new float[nq * K];
        index.Search(queries.AsSpan(0, Math.Min(nq, 200) * dim), K, ids, scores); // JIT and first pages
        foreach (string setting in settings.Split(';'))
        {
            var o = ParseSetting(setting);
            var t = Stopwatch.StartNew();
            index.Search(queries, K, ids, scores, o);
            double s = t.Elapsed.TotalSeconds;
            Console.WriteLine(JsonSerializer.Serialize(new { what = "point", engine = "trawl", factory = index.Factory, setting, recall = Math.Round(AnnBenchmark.RecallAtK(ids, gt, gtK, gtQueries, K), 4),
                qps = Math.Round(nq / s, 1), rss_mb = SelfStatusMb("VmRSS:") }, Json));
        }
        Console.WriteLine(JsonSerializer.Serialize(new { what = "memory", engine = "trawl", factory = index.Factory, rss_mb = SelfStatusMb("VmRSS:"), rss_file_mb = SelfStatusMb("RssFile:"),
            rss_anon_mb = SelfStatusMb("RssAnon:"), peak_rss_mb = SelfStatusMb("VmHWM:"), note = "after the unfiltered sweep, before the filtered runs (whose exact scans map many rows)" }, Json));

        // Filtered: a seeded random allow-set per density; truth = exact search over the allowed rows.
        string first = settings.Split(';')[settings.Split(';').Length / 2];
        var baseOptions = ParseSetting(first);
        int fq = Math.Min(filterQueries, nq);
        var exact = ExactSearch.Create(base_.Matrix, VectorMetric.InnerProduct);
        foreach (string d in densities.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            double density = double.Parse(d, CultureInfo.InvariantCulture);
            RowFilter allow = RandomAllowSet(base_.Matrix.Rows, density, seed: 11);
            var fids = new long[fq * K];
            var fscores = new float[fq * K];
            var t = Stopwatch.StartNew();
            SearchResult[] truth = exact.SearchBatch(queries.AsSpan(0, fq * dim), K, new SearchOptions { Filter = allow });
            double exactS = t.Elapsed.TotalSeconds;
            foreach (FilterStrategy strategy in new[] { FilterStrategy.Auto, FilterStrategy.Walk, FilterStrategy.Exact })
            {
                var options = new IndexSearchOptions { Ef = baseOptions.Ef, NProbe = baseOptions.NProbe, RefineFactor = baseOptions.RefineFactor, Filter = allow, FilterStrategy = strategy };
                FilterPlan plan = index.PlanFilter(K, options)!;
                t.Restart();
                index.Search(queries.AsSpan(0, fq * dim), K, fids, fscores, options);
                double s = t.Elapsed.TotalSeconds;
                long hits = 0, returned = 0;
                var set = new HashSet<long>();
                for (int q = 0; q < fq; q++)
                {
                    set.Clear();
                    foreach (long id in truth[q].Ids) set.Add(id);
                    for (int j = 0; j < K; j++)
                    {
                        long id = fids[q * K + j];
                        if (id < 0) continue;
                        returned++;
                        if (!allow.Allows(id)) throw new InvalidOperationException($"a filtered search returned row {id}, which the allow-set does not hold");
                        if (set.Contains(id)) hits++;
                    }
                }
                long expected = truth.Sum(r => (long)r.Count);
                Console.WriteLine(JsonSerializer.Serialize(new { what = "filtered", engine = "trawl", factory = index.Factory, setting = first, density, allowed = plan.Allowed, strategy = strategy.ToString().ToLowerInvariant(),
                    plan = plan.Strategy.ToString().ToLowerInvariant(), plan_ef = plan.Ef, plan_nprobe = plan.NProbe, recall = Math.Round((double)hits / Math.Max(1, expected), 4),
                    short_results = expected - returned, queries = fq, qps = Math.Round(fq / s, 1), exact_scan_qps = Math.Round(fq / exactS, 1) }, Json));
            }
        }
        return 0;
    }

    private static RowFilter RandomAllowSet(long rows, double density, int seed)
    {
        var rng = new Random(seed);
        var bits = new ulong[(rows + 63) / 64];
        for (long i = 0; i < rows; i++)
            if (rng.NextDouble() < density) bits[i >> 6] |= 1UL << (int)(i & 63);
        return RowFilter.FromBitmap(bits, rows);
    }

    private static IndexSearchOptions ParseSetting(string setting)
    {
        int? ef = null, nprobe = null, refine = null;
        foreach (string part in setting.Split(','))
        {
            var kv = part.Split('=');
            int v = int.Parse(kv[1], CultureInfo.InvariantCulture);
            switch (kv[0])
            {
                case "ef": ef = v; break;
                case "nprobe": nprobe = v; break;
                case "refine": refine = v; break;
                default: throw new ArgumentException($"unknown setting {part}");
            }
        }
        return new IndexSearchOptions { Ef = ef, NProbe = nprobe, RefineFactor = refine };
    }

    /// <summary>A /proc/self/status field in MB (VmRSS:, VmHWM:, RssFile:, RssAnon:).</summary>
    private static long SelfStatusMb(string field)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) >> 10;
        return -1;
    }

    private static long MemTotalBytes()
    {
        foreach (string line in File.ReadLines("/proc/meminfo"))
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) << 10;
        return 0;
    }

    private static Options Parse(IReadOnlyList<string> args)
    {
        var o = new Options();
        static List<int> Ints(string v) => [.. v.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value\nusage: Trawl.Bench scale {Usage}");
            string v = args[++i];
            o = name switch
            {
                "--dir" => o with { Dir = v },
                "--n" => o with { N = long.Parse(v, CultureInfo.InvariantCulture) },
                "--nq" => o with { Nq = int.Parse(v, CultureInfo.InvariantCulture) },
                "--gt-queries" => o with { GtQueries = int.Parse(v, CultureInfo.InvariantCulture) },
                "--indexes" => o with { Indexes = [.. v.Split(';', StringSplitOptions.RemoveEmptyEntries)] },
                "--nprobe" => o with { NProbes = Ints(v) },
                "--refine" => o with { Refines = Ints(v) },
                "--ef" => o with { Efs = Ints(v) },
                "--densities" => o with { Densities = [.. v.Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture))] },
                "--filter-queries" => o with { FilterQueries = int.Parse(v, CultureInfo.InvariantCulture) },
                "--steps" => o with { Steps = [.. v.Split(',')] },
                "--peers" => o with { Peers = [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries)] },
                "--faiss-prefix" => o with { FaissPrefix = long.Parse(v, CultureInfo.InvariantCulture) },
                "--out" => o with { Out = v },
                "--reuse" => o with { Reuse = v is "1" or "true" or "yes" },
                "--shared" => o with { Shared = v },
                _ => throw new ArgumentException($"unknown option {name}\nusage: Trawl.Bench scale {Usage}"),
            };
        }
        if (o.Dir.Length == 0 || o.N < 1) throw new ArgumentException($"usage: Trawl.Bench scale {Usage}");
        if (o.GtQueries > o.Nq) throw new ArgumentException("--gt-queries cannot exceed --nq");
        return o;
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string L(long v) => v.ToString(CultureInfo.InvariantCulture);
}
