using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Trawl.Formats.NumPy;
using Trawl.Store.AnnIndexes;
using Trawl.Vectors;
using Trawl.Vectors.Indexes;

namespace Trawl.Bench.Ann;

/// <summary>
/// <c>Trawl.Bench ann</c>: Trawl's HNSW and IVF-PQ against hnswlib and faiss (peers.py) on the same
/// synthetic CLIP-like vectors in the same run: build time, recall@10, QPS, memory per vector,
/// then a summary of QPS at recall ≥ 0.90 and ≥ 0.95 per engine and the ratios.
/// </summary>
internal static class AnnBenchmark
{
    public static int Run(IReadOnlyList<string> args)
    {
        AnnOptions o;
        try
        {
            o = AnnOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        var peers = new PeerRunner(o);
        Directory.CreateDirectory(o.Dir);
        string basePath = Path.Combine(o.Dir, "base.npy"), queryPath = Path.Combine(o.Dir, "queries.npy"), gtPath = Path.Combine(o.Dir, "gt.npy");
        if (!Shaped(basePath, o.N, o.Dim) || !Shaped(queryPath, o.Nq, o.Dim))
        {
            File.Delete(gtPath);
            var clock = Stopwatch.StartNew();
            if (peers.Run("gen_clip_like.py", o.Dir, "--n", I(o.N), "--nq", I(o.Nq), "--dim", I(o.Dim)) is null) return 1;
            Console.Error.WriteLine($"ann: generated {o.N:N0} × {o.Dim} base and {o.Nq:N0} queries in {clock.Elapsed.TotalSeconds:0} s");
        }
        if (!Shaped(gtPath, o.Nq, 100))
        {
            var gtLines = peers.Run("peers.py", "gt", o.Dir, "--k", "100");
            if (gtLines is null) return 1;
            foreach (string line in gtLines) Console.WriteLine(line);
        }
        int[] gt = ReadGroundTruth(gtPath, o.Nq, out int gtK);
        var points = new List<AnnPoint>();
        Emit(new { machine = Environment.MachineName, cores = Environment.ProcessorCount, load = LoadAverage(), n = o.N, nq = o.Nq, dim = o.Dim, k = o.K, data = "synthetic CLIP-like (gen_clip_like.py)" });

        if (o.Engines.Contains("trawl-hnsw") || o.Engines.Contains("trawl-ivfpq"))
            points.AddRange(RunTrawl(o, basePath, queryPath, gt, gtK));
        foreach (int m in o.Ms)
        {
            if (o.Engines.Contains("hnswlib"))
                points.AddRange(EmitPeers(peers.Points(peers.Run("peers.py", "hnsw", o.Dir, "--k", I(o.K), "--m", I(m), "--efc", I(o.EfConstruction), "--engine", "hnswlib"), o.Dim)));
            if (o.Engines.Contains("faiss-hnsw"))
                points.AddRange(EmitPeers(peers.Points(peers.Run("peers.py", "hnsw", o.Dir, "--k", I(o.K), "--m", I(m), "--efc", I(o.EfConstruction), "--engine", "faiss"), o.Dim)));
        }
        if (o.Engines.Contains("faiss-ivfpq"))
            points.AddRange(EmitPeers(peers.Points(peers.Run("peers.py", "ivfpq", o.Dir, "--k", I(o.K), "--nlist", I(o.NList), "--pq", I(o.Pq)), o.Dim)));
        AnnSummary.Print(points);
        IvfPqSummary.Print(points);
        Emit(new { load_after = LoadAverage() });
        return 0;
    }

    private static List<AnnPoint> RunTrawl(AnnOptions o, string basePath, string queryPath, int[] gt, int gtK)
    {
        var points = new List<AnnPoint>();
        using var base_ = NpyVectors.Open(basePath, "the base");
        using var queryFile = NpyVectors.Open(queryPath, "the queries");
        float[] queries = queryFile.ToFloats();
        var clock = Stopwatch.StartNew();
        ulong checksum = base_.Checksum();
        double checksumMs = clock.Elapsed.TotalMilliseconds;

        if (o.Engines.Contains("trawl-hnsw")) points.AddRange(AnnHnswRunner.Run(o, base_, queries, gt, gtK, checksum, checksumMs));
        if (o.Engines.Contains("trawl-ivfpq"))
        {
            string factory = $"IVF{o.NList},PQ{o.Pq},Refine";
            string path = Path.Combine(o.Dir, $"trawl-IVF{o.NList}-PQ{o.Pq}.ivfpq");
            double build = Build(factory, base_.Matrix, checksum, path, o);
            using IVectorIndex index = Open(path, base_.Matrix, checksum, factory, checksumMs);
            double memory = (double)new FileInfo(path).Length / o.N;
            Warm(index, queries, o);
            // A second untimed pass (1,000 queries, nprobe 1): the first measured point otherwise swung by 1.6× between runs.
            int warm = Math.Min(1000, o.Nq);
            index.Search(queries.AsSpan(0, warm * o.Dim), o.K, new long[warm * o.K], new float[warm * o.K], new IndexSearchOptions { NProbe = 1, RefineFactor = 1 });
            foreach (int refine in o.RefineSweep)
            {
                // Refine ×1 re-ranks only the k PQ winners: the same result set as PQ alone (recall@k unchanged), exact scores.
                string engine = refine == 1 ? "trawl-ivfpq" : "trawl-ivfpq-refine";
                foreach (int nprobe in AnnOptions.NProbeSweep)
                {
                    if (nprobe > o.NList) continue;
                    points.Add(Measure(engine, $"nlist={o.NList},pq={o.Pq},nprobe={nprobe},refine={refine}", index, queries, gt, gtK, o, build, memory,
                        new IndexSearchOptions { NProbe = nprobe, RefineFactor = refine }));
                }
            }
        }
        return points;
    }

    internal static double Build(string factory, VectorMatrix data, ulong checksum, string path, AnnOptions o)
    {
        if (o.Reuse && File.Exists(path))
        {
            Console.Error.WriteLine($"ann: reusing {path}");
            return double.NaN;
        }
        Console.Error.WriteLine($"ann: building Trawl {factory} over {data.Rows:N0} vectors");
        var clock = Stopwatch.StartNew();
        using (IVectorIndex index = VectorIndexFactory.Create(factory, data, VectorMetric.InnerProduct,
            new IndexBuildOptions { EfConstruction = o.EfConstruction, Seed = 1, VectorSetChecksum = checksum, TrainingRowsPerCentroid = o.TrainingRowsPerCentroid }))
        {
            index.Build();
            index.Save(path);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"ann: built Trawl {factory} in {seconds:0.0} s");
        return seconds;
    }

    internal static IVectorIndex Open(string path, VectorMatrix data, ulong checksum, string factory, double checksumMs)
    {
        var clock = Stopwatch.StartNew();
        IVectorIndex index = VectorIndexFactory.Open(path, data, checksum);
        double openMs = clock.Elapsed.TotalMilliseconds;
        Emit(new { engine = "trawl", factory, open_ms = Math.Round(openMs, 2), base_checksum_ms = Math.Round(checksumMs, 1), file_bytes = new FileInfo(path).Length, note = "memory-mapped open; the checksum of a bare .npy base is computed once per process" });
        return index;
    }

    /// <summary>Faults the freshly mapped index file in (the peers' indexes are already in memory after their builds).</summary>
    internal static void Warm(IVectorIndex index, float[] queries, AnnOptions o)
    {
        int n = Math.Min(100, o.Nq);
        index.Search(queries.AsSpan(0, n * o.Dim), o.K, new long[n * o.K], new float[n * o.K]);
    }

    internal static AnnPoint Measure(string engine, string param, IVectorIndex index, float[] queries, int[] gt, int gtK, AnnOptions o,
        double build, double memory, IndexSearchOptions options)
    {
        var ids = new long[o.Nq * o.K];
        var scores = new float[o.Nq * o.K];
        double seconds = double.PositiveInfinity, cpuSeconds = double.PositiveInfinity;
        using var process = Process.GetCurrentProcess();
        for (int run = 0; run < o.Repeat; run++)
        {
            // Best of --repeat runs: the machine is shared, the fastest run is the least disturbed one.
            process.Refresh();
            TimeSpan cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            index.Search(queries, o.K, ids, scores, options);
            seconds = Math.Min(seconds, clock.Elapsed.TotalSeconds);
            process.Refresh();
            cpuSeconds = Math.Min(cpuSeconds, (process.TotalProcessorTime - cpu).TotalSeconds);
        }
        double recall = RecallAtK(ids, gt, gtK, o.Nq, o.K);
        var point = new AnnPoint(engine, param, build, recall, o.Nq / seconds, memory);
        Emit(new { engine, @params = param, build_s = double.IsFinite(build) ? Math.Round(build, 2) : (double?)null, recall = Math.Round(recall, 4), qps = Math.Round(point.Qps, 1), cpu_s = Math.Round(cpuSeconds, 3), memory_bytes_per_vector = Math.Round(memory, 1), threads = Environment.ProcessorCount });
        return point;
    }

    internal static double RecallAtK(long[] ids, int[] gt, int gtK, int nq, int k)
    {
        long hits = 0;
        var truth = new HashSet<long>();
        for (int q = 0; q < nq; q++)
        {
            truth.Clear();
            for (int i = 0; i < k; i++) truth.Add(gt[q * gtK + i]);
            for (int i = 0; i < k; i++) if (truth.Contains(ids[q * k + i])) hits++;
        }
        return (double)hits / ((long)nq * k);
    }

    private static List<AnnPoint> EmitPeers(List<AnnPoint> points)
    {
        foreach (var p in points)
            Emit(new { engine = p.Engine, @params = p.Params, build_s = Math.Round(p.BuildSeconds, 2), recall = Math.Round(p.Recall, 4), qps = Math.Round(p.Qps, 1), memory_bytes_per_vector_est = p.MemoryBytesPerVector });
        return points;
    }

    private static bool Shaped(string path, int rows, int columns)
    {
        if (!File.Exists(path)) return false;
        try
        {
            using var npy = NpyFile.Open(path);
            return npy.Shape.Count == 2 && npy.Shape[0] == rows && npy.Shape[1] == columns;
        }
        catch (Exception e) when (e is FormatException or IOException)
        {
            return false;
        }
    }

    internal static int[] ReadGroundTruth(string path, int nq, out int k)
    {
        using var npy = NpyFile.Open(path);
        if (npy.Type != NpyFile.ElementType.Int32 || npy.Shape.Count != 2 || npy.Shape[0] != nq)
            throw new InvalidOperationException($"{path}: expected int32 ({nq}, k) ground truth");
        k = (int)npy.Shape[1];
        var all = new int[nq * k];
        for (int q = 0; q < nq; q++) MemoryMarshal.Cast<byte, int>(npy.RowBytes(q)).CopyTo(all.AsSpan(q * k, k));
        return all;
    }

    internal static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    internal static void Emit(object value)
    {
        Console.WriteLine(JsonSerializer.Serialize(value));
        Console.Out.Flush();
    }
}
