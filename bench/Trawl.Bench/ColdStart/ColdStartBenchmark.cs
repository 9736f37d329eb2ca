using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Trawl.Bench.Ann;
using Trawl.Bench.Measurement;
using Trawl.Store.AnnIndexes;
using Trawl.Vectors.Indexes;

namespace Trawl.Bench.ColdStart;

/// <summary>
/// <c>Trawl.Bench coldstart</c>: what a user sees when <c>trawl knn --index-file</c> or a freshly started
/// server searches an index built earlier. Each run is a fresh child process that opens the base and the
/// index, warms up as asked (none / advise / populate), then answers the queries in blocks of 1,000 and
/// prints the QPS of each block, then answers them all again (the steady speed). hnswlib runs the same way
/// (hnswlib_cold.py: its load reads the whole index into memory). The files are in the page cache (a cold
/// process, not a cold disk: dropping the machine's caches would disturb the other users of this machine).
/// </summary>
internal static class ColdStartBenchmark
{
    public const string Usage = "--dir DIR --index FILE[,FILE] [--base base.npy[,trawl-base-f16.npy]] [--hnswlib-index FILE] "
        + "[--ef 48,64,96] [--warm none,advise,populate] [--block 1000] [--rounds 1] [--out FILE.jsonl]";

    private sealed record Options
    {
        public string Dir { get; init; } = "";
        public List<string> Indexes { get; init; } = [];
        public List<string> Bases { get; init; } = ["base.npy"];
        public string? HnswlibIndex { get; init; }
        public List<int> Efs { get; init; } = [48, 64, 96];
        public List<WarmUpMode> Warm { get; init; } = [WarmUpMode.None, WarmUpMode.Advise, WarmUpMode.Populate];
        public int Block { get; init; } = 1000;
        public int Rounds { get; init; } = 1;
        public string? Out { get; init; }
        public int K { get; init; } = 10;
    }

    public static int Run(IReadOnlyList<string> args)
    {
        Options o = Parse(args);
        using var output = o.Out is null ? null : new StreamWriter(o.Out, append: true);
        void Emit(object value)
        {
            string line = JsonSerializer.Serialize(value, value.GetType(), Json);
            Console.WriteLine(line);
            output?.WriteLine(line);
            output?.Flush();
        }
        Emit(new { bench = "coldstart", machine = Environment.MachineName, cores = Environment.ProcessorCount, load = AnnBenchmark.LoadAverage(), date = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture), dir = o.Dir, note = "fresh process per run; files in the page cache" });
        for (int round = 0; round < o.Rounds; round++)
        {
            foreach (int ef in o.Efs)
            {
                if (o.HnswlibIndex is not null)
                {
                    var run = ChildProcess.Run("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "ColdStart", "hnswlib_cold.py"), "search", o.Dir, o.HnswlibIndex, "--ef", I(ef), "--block", I(o.Block)]).EnsureSuccess();
                    foreach (var line in JsonLines(run.Output)) Emit(line with { Round = round, PeakRssMb = Math.Round(run.PeakRssMb), ProcessS = Math.Round(run.Wall.TotalSeconds, 2) });
                }
                for (int i = 0; i < o.Indexes.Count; i++)
                {
                    foreach (WarmUpMode warm in o.Warm)
                    {
                        var run = ChildProcess.Run(SelfCommand.FileName, [.. SelfCommand.Arguments, "coldstart-child", o.Dir, o.Indexes[i], o.Bases[Math.Min(i, o.Bases.Count - 1)], I(ef), warm.ToString(), I(o.Block), I(o.K)]).EnsureSuccess();
                        foreach (var line in JsonLines(run.Output)) Emit(line with { Round = round, PeakRssMb = Math.Round(run.PeakRssMb), ProcessS = Math.Round(run.Wall.TotalSeconds, 2) });
                    }
                }
            }
        }
        Emit(new { bench = "coldstart", load_after = AnnBenchmark.LoadAverage() });
        return 0;
    }

    /// <summary>One fresh process's run: open, warm up, blocks of queries, then a steady pass.</summary>
    public static int Child(IReadOnlyList<string> args)
    {
        string dir = args[0], indexPath = Path.Combine(dir, args[1]), basePath = Path.Combine(dir, args[2]);
        int ef = int.Parse(args[3], CultureInfo.InvariantCulture), block = int.Parse(args[5], CultureInfo.InvariantCulture), k = int.Parse(args[6], CultureInfo.InvariantCulture);
        WarmUpMode warm = Enum.Parse<WarmUpMode>(args[4]);
        string engine = $"trawl:{args[1]}";
        var clock = Stopwatch.StartNew();
        using var base_ = NpyVectors.Open(basePath, "the base");
        using var queryFile = NpyVectors.Open(Path.Combine(dir, "queries.npy"), "the queries");
        float[] queries = queryFile.ToFloats();
        int nq = (int)queryFile.Matrix.Rows, dim = base_.Matrix.Dimension;
        int[] gt = AnnBenchmark.ReadGroundTruth(Path.Combine(dir, "gt.npy"), nq, out int gtK);
        double readMs = clock.Elapsed.TotalMilliseconds;
        // What `trawl knn --base --index-file` does on open: the checksum of the bare base (reads it all).
        ulong checksum = base_.Checksum();
        double checksumMs = clock.Elapsed.TotalMilliseconds - readMs;
        using IVectorIndex index = VectorIndexFactory.Open(indexPath, base_.Matrix, checksum);
        double openMs = clock.Elapsed.TotalMilliseconds - readMs - checksumMs;
        WarmUpReport report = index.WarmUp(warm);
        var options = new IndexSearchOptions { Ef = ef };
        var ids = new long[nq * k];
        var scores = new float[nq * k];
        Print(new Line(engine, "open", ef, warm.ToString()) { OpenMs = Math.Round(openMs, 1), ChecksumMs = Math.Round(checksumMs, 1), WarmMs = Math.Round(report.Elapsed.TotalMilliseconds, 1), UpperNodes = report.UpperLevelNodes, PopulatedMb = report.PopulatedBytes >> 20 });
        double total = 0;
        for (int first = 0; first < nq; first += block)
        {
            int n = Math.Min(block, nq - first);
            var t = Stopwatch.StartNew();
            index.Search(queries.AsSpan(first * dim, n * dim), k, ids.AsSpan(first * k, n * k), scores.AsSpan(first * k, n * k), options);
            double s = t.Elapsed.TotalSeconds;
            total += s;
            Print(new Line(engine, "block", ef, warm.ToString()) { First = first, Queries = n, Qps = Math.Round(n / s, 1), Recall = Math.Round(BlockRecall(ids, gt, gtK, first, n, k), 4) });
        }
        double recall = AnnBenchmark.RecallAtK(ids, gt, gtK, nq, k);
        var steady = Stopwatch.StartNew();
        index.Search(queries, k, ids, scores, options);
        double steadyQps = nq / steady.Elapsed.TotalSeconds;
        Print(new Line(engine, "summary", ef, warm.ToString()) { FilePmdMappedMb = FilePmdMappedMb(), Queries = nq, Qps = Math.Round(nq / total, 1), Recall = Math.Round(recall, 4), SteadyQps = Math.Round(steadyQps, 1),
            OpenMs = Math.Round(openMs, 1), ChecksumMs = Math.Round(checksumMs, 1), WarmMs = Math.Round(report.Elapsed.TotalMilliseconds, 1) });
        return 0;
    }

    /// <summary>File-backed memory this process maps with huge (PMD) pages, from /proc/self/smaps_rollup; null elsewhere.</summary>
    private static long? FilePmdMappedMb()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/smaps_rollup"))
                if (line.StartsWith("FilePmdMapped:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) >> 10;
        }
        catch (IOException)
        {
        }
        return null;
    }

    private static double BlockRecall(long[] ids, int[] gt, int gtK, int first, int n, int k)
    {
        long hits = 0;
        var truth = new HashSet<long>();
        for (int q = first; q < first + n; q++)
        {
            truth.Clear();
            for (int i = 0; i < k; i++) truth.Add(gt[q * gtK + i]);
            for (int i = 0; i < k; i++) if (truth.Contains(ids[q * k + i])) hits++;
        }
        return (double)hits / ((long)n * k);
    }

    /// <summary>One JSON line of a child (Trawl's or hnswlib_cold.py's; snake_case names).</summary>
    internal sealed record Line(string Engine, string What, int Ef, string? Warm)
    {
        public int? Round { get; init; }
        public int? First { get; init; }
        public int? Queries { get; init; }
        public double? Qps { get; init; }
        public double? Recall { get; init; }
        public double? SteadyQps { get; init; }
        public double? OpenMs { get; init; }
        public double? OpenS { get; init; }
        public double? ChecksumMs { get; init; }
        public double? WarmMs { get; init; }
        public long? UpperNodes { get; init; }
        public long? PopulatedMb { get; init; }
        public long? FilePmdMappedMb { get; init; }
        public double? PeakRssMb { get; init; }
        public double? ProcessS { get; init; }
    }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private static void Print(Line line) => Console.WriteLine(JsonSerializer.Serialize(line, Json));

    private static IEnumerable<Line> JsonLines(string output)
    {
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.Trim();
            if (!line.StartsWith('{')) continue;
            Line? parsed = JsonSerializer.Deserialize<Line>(line, Json);
            if (parsed is not null) yield return parsed;
        }
    }

    private static Options Parse(IReadOnlyList<string> args)
    {
        var o = new Options();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value\nusage: Trawl.Bench coldstart {Usage}");
            string v = args[++i];
            o = name switch
            {
                "--dir" => o with { Dir = v },
                "--index" => o with { Indexes = [.. v.Split(',')] },
                "--base" => o with { Bases = [.. v.Split(',')] },
                "--hnswlib-index" => o with { HnswlibIndex = v },
                "--ef" => o with { Efs = [.. v.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] },
                "--warm" => o with { Warm = [.. v.Split(',').Select(s => Enum.Parse<WarmUpMode>(s, ignoreCase: true))] },
                "--block" => o with { Block = int.Parse(v, CultureInfo.InvariantCulture) },
                "--rounds" => o with { Rounds = int.Parse(v, CultureInfo.InvariantCulture) },
                "--out" => o with { Out = v },
                _ => throw new ArgumentException($"unknown option {name}\nusage: Trawl.Bench coldstart {Usage}"),
            };
        }
        if (o.Dir.Length == 0 || o.Indexes.Count == 0) throw new ArgumentException($"usage: Trawl.Bench coldstart {Usage}");
        return o;
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
