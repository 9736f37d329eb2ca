using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using Trawl.Formats.NumPy;
using Trawl.Vectors;
using Trawl.Vectors.Search;

namespace Trawl.Bench.Knn;

/// <summary>
/// <c>knn [--n 200000] [--nq 1000] [--dir /tmp/trawl-knn] [--single 50]</c>: exact search over synthetic CLIP-like
/// vectors (gen_clip_like.py, 768-dim, unit norm), measured in one run against faiss IndexFlatIP (peers.py flat)
/// and against a streaming read of the same memory. Prints JSON lines
/// {bench, what, figure, unit, reference, reference_figure, ratio}.
/// </summary>
internal static class KnnBench
{
    private const string Python = "/usr/bin/python3";
    private const int K = 10;

    public static int Run(string[] args)
    {
        int n = IntArg(args, "--n", 200_000), nq = IntArg(args, "--nq", 1000), single = IntArg(args, "--single", 50);
        string dir = StringArg(args, "--dir", "/tmp/trawl-knn");
        string shared = StringArg(args, "--shared", FindShared());
        Prepare(dir, shared, n, nq);

        // faiss first, while nothing of ours holds memory.
        var faiss = RunPeer(shared, "flat", dir);
        double faissBatchQps = faiss.First(j => j.GetProperty("params").GetProperty("batch").GetInt32() > 1).GetProperty("qps").GetDouble();
        var faissSingle = faiss.First(j => j.GetProperty("params").GetProperty("batch").GetInt32() == 1);
        double faissMs = faissSingle.GetProperty("ms_per_query").GetDouble();

        using var baseNpy = NpyFile.Open(Path.Combine(dir, "base.npy"));
        using var queryNpy = NpyFile.Open(Path.Combine(dir, "queries.npy"));
        using var gtNpy = NpyFile.Open(Path.Combine(dir, "gt.npy"));
        if (baseNpy.Type != NpyFile.ElementType.Float32 || queryNpy.Type != NpyFile.ElementType.Float32)
            throw new InvalidOperationException("base.npy and queries.npy must be float32 (generate without --float16)");
        int dim = (int)baseNpy.Columns;
        long rows = baseNpy.Rows;
        var f32 = VectorMatrix.FromAddress(baseNpy.DataAddress, rows, dim, VectorElementType.Float32, owner: baseNpy);
        float[] queries = MemoryMarshal.Cast<byte, float>(Bytes(queryNpy)).ToArray();
        int queryCount = queries.Length / dim;
        int[] gt = MemoryMarshal.Cast<byte, int>(Bytes(gtNpy)).ToArray();
        int gtK = (int)gtNpy.Columns;
        double bytesF32 = (double)rows * dim * 4;
        Console.Error.WriteLine($"knn bench: {rows:N0} x {dim} f32 vectors, {queryCount:N0} queries, {Environment.ProcessorCount} threads, {Environment.OSVersion}");

        // Memory bandwidth: a streaming Vector256 sum over the same vectors, same threads as the search.
        double bandwidth = StreamingReadGBps(baseNpy.DataAddress, (long)bytesF32, Environment.ProcessorCount);
        Emit("memory read (Vector256 streaming sum, all threads)", bandwidth, "GB/s", null, null);
        Emit("memory read (Vector256 streaming sum, 1 thread)", StreamingReadGBps(baseNpy.DataAddress, (long)bytesF32, 1), "GB/s", null, null);

        var searchF32 = ExactSearch.Create(f32, VectorMetric.InnerProduct);
        single = Math.Min(single, queryCount);
        var (msF32, singleF32) = SingleQueries(searchF32, queries, dim, single);
        double gbpsF32 = bytesF32 / (msF32 / 1e3) / 1e9;
        Emit("single query f32, ms/query", msF32, "ms", "faiss IndexFlatIP single query", faissMs, faissMs / msF32);
        Emit("single query f32, scan speed", gbpsF32, "GB/s", "faiss IndexFlatIP single query", faissSingle.GetProperty("scan_gbps").GetDouble(), gbpsF32 / faissSingle.GetProperty("scan_gbps").GetDouble());
        Emit("single query f32 vs memory read", gbpsF32, "GB/s", "streaming read, same run", bandwidth, gbpsF32 / bandwidth);

        // f16: the same vectors converted once.
        var f16 = VectorMatrix.FromFloat16(ToHalves(baseNpy.DataAddress, rows * dim), dim);
        var searchF16 = ExactSearch.Create(f16, VectorMetric.InnerProduct);
        var (msF16, singleF16) = SingleQueries(searchF16, queries, dim, single);
        double rowsPerSecF16 = rows / (msF16 / 1e3), rowsPerSecF32 = rows / (msF32 / 1e3);
        Emit("single query f16, rows/s", rowsPerSecF16, "rows/s", "single query f32, same run", rowsPerSecF32, rowsPerSecF16 / rowsPerSecF32);

        // A batch of every query.
        var clock = Stopwatch.StartNew();
        var batch = searchF32.SearchBatch(queries, K);
        double batchQps = queryCount / clock.Elapsed.TotalSeconds;
        Emit($"batch of {queryCount} queries f32, QPS", batchQps, "queries/s", "faiss IndexFlatIP batch (OpenBLAS)", faissBatchQps, batchQps / faissBatchQps);
        clock.Restart();
        var batch16 = searchF16.SearchBatch(queries, K);
        double batch16Qps = queryCount / clock.Elapsed.TotalSeconds;
        Emit($"batch of {queryCount} queries f16, QPS", batch16Qps, "queries/s", "faiss IndexFlatIP batch (OpenBLAS)", faissBatchQps, batch16Qps / faissBatchQps);

        var truth = Enumerable.Range(0, queryCount).Select(q => (IReadOnlyList<long>)gt.AsSpan(q * gtK, Math.Min(K, gtK)).ToArray().Select(x => (long)x).ToArray()).ToList();
        double recall32 = Recall.AtK(batch.Select(r => (IReadOnlyList<long>)r.Ids).ToList(), truth, K);
        double recall16 = Recall.AtK(batch16.Select(r => (IReadOnlyList<long>)r.Ids).ToList(), truth, K);
        double recallSingle = Recall.AtK(singleF32.Select(r => (IReadOnlyList<long>)r.Ids).ToList(), truth.Take(single).ToList(), K);
        double recallSingle16 = Recall.AtK(singleF16.Select(r => (IReadOnlyList<long>)r.Ids).ToList(), truth.Take(single).ToList(), K);
        Emit("recall@10 batch f32 vs gt.npy", recall32, "recall", "faiss-flat", faiss.First(j => j.TryGetProperty("recall", out _)).GetProperty("recall").GetDouble(), null);
        Emit("recall@10 batch f16 vs gt.npy", recall16, "recall", null, null, null);
        Emit("recall@10 single f32 vs gt.npy", recallSingle, "recall", null, null, null);
        Emit("recall@10 single f16 vs gt.npy", recallSingle16, "recall", null, null, null);
        GC.KeepAlive(f32);
        return 0;
    }

    private static (double MsPerQuery, List<SearchResult> Results) SingleQueries(ExactSearch search, float[] queries, int dim, int count)
    {
        // Warm-up: pages in, threads started, and past tiered JIT's 30 calls (then a pause for the tier-1 compile),
        // so small sets are not measured on tier-0 kernels.
        for (int i = 0; i < 35; i++)
            search.Search(queries.AsSpan(0, dim), K);
        Thread.Sleep(300);
        search.Search(queries.AsSpan(0, dim), K);
        var results = new List<SearchResult>(count);
        var clock = Stopwatch.StartNew();
        for (int q = 0; q < count; q++)
            results.Add(search.Search(queries.AsSpan(q * dim, dim), K));
        return (clock.Elapsed.TotalMilliseconds / count, results);
    }

    /// <summary>GB/s of summing <paramref name="bytes"/> at <paramref name="address"/> with Vector256, split across threads (best of <paramref name="rounds"/>).</summary>
    internal static unsafe double StreamingReadGBps(nint address, long bytes, int threads, int rounds = 3)
    {
        long floats = bytes / 4;
        double best = 0;
        float sink = 0;
        for (int round = 0; round < rounds; round++)
        {
            var sums = new float[threads];
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                long start = floats * t / threads / 8 * 8, end = t == threads - 1 ? floats : floats * (t + 1) / threads / 8 * 8;
                float* p = (float*)address;
                Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
                long i = start;
                for (; i + 32 <= end; i += 32)
                {
                    a0 += Vector256.Load(p + i);
                    a1 += Vector256.Load(p + i + 8);
                    a2 += Vector256.Load(p + i + 16);
                    a3 += Vector256.Load(p + i + 24);
                }
                float s = Vector256.Sum(a0 + a1 + a2 + a3);
                for (; i < end; i++)
                    s += p[i];
                sums[t] = s;
            });
            double gbps = bytes / clock.Elapsed.TotalSeconds / 1e9;
            best = Math.Max(best, gbps);
            sink += sums.Sum();
        }
        if (float.IsNaN(sink))
            Console.Error.WriteLine("(sum was NaN)");
        return best;
    }

    private static void Prepare(string dir, string shared, int n, int nq)
    {
        string basePath = Path.Combine(dir, "base.npy"), gtPath = Path.Combine(dir, "gt.npy");
        bool fresh = File.Exists(basePath) && File.Exists(Path.Combine(dir, "queries.npy"));
        if (fresh)
        {
            using var b = NpyFile.Open(basePath);
            using var q = NpyFile.Open(Path.Combine(dir, "queries.npy"));
            fresh = b.Rows == n && q.Rows == nq && b.Type == NpyFile.ElementType.Float32;
        }
        if (!fresh)
        {
            Console.Error.WriteLine($"knn bench: generating {n:N0} + {nq:N0} synthetic CLIP-like vectors in {dir} (~30 s per 200k)...");
            Directory.CreateDirectory(dir);
            File.Delete(gtPath);
            Exec(Path.Combine(shared, "gen_clip_like.py"), dir, "--n", n.ToString(CultureInfo.InvariantCulture), "--nq", nq.ToString(CultureInfo.InvariantCulture));
        }
        if (!File.Exists(gtPath))
        {
            Console.Error.WriteLine("knn bench: exact ground truth with faiss (peers.py gt)...");
            Exec(Path.Combine(shared, "peers.py"), "gt", dir, "--k", K.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static List<JsonElement> RunPeer(string shared, string what, string dir)
    {
        string output = Exec(Path.Combine(shared, "peers.py"), what, dir, "--k", K.ToString(CultureInfo.InvariantCulture));
        var lines = new List<JsonElement>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('{'))
                lines.Add(JsonDocument.Parse(line).RootElement.Clone());
        }
        return lines;
    }

    private static string Exec(params string[] args)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + Python);
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', args)} failed with exit code {process.ExitCode}");
        return output;
    }

    private static unsafe Half[] ToHalves(nint address, long count)
    {
        var halves = new Half[count];
        float* p = (float*)address;
        for (long i = 0; i < count; i++)
            halves[i] = (Half)p[i];
        return halves;
    }

    private static unsafe ReadOnlySpan<byte> Bytes(NpyFile npy) =>
        new((void*)npy.DataAddress, checked((int)npy.DataLength));

    private static void Emit(string what, double figure, string unit, string? reference, double? referenceFigure, double? ratio = null)
    =>
        Reporting.FigureLine.Write("knn", what, figure, unit, reference, referenceFigure, ratio);

    private static string FindShared()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "..", "shared", "bench");
            if (File.Exists(Path.Combine(d.FullName, "Trawl.slnx")) && Directory.Exists(candidate))
                return candidate;
        }
        return "/work/shared/bench";
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
