using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Trawl.Formats.Hdf5;
using Trawl.Store.Sisap;
using Trawl.Vectors;
using Trawl.Vectors.GroundTruth;
using Trawl.Vectors.Indexes;
using Trawl.Vectors.Pca;
using Trawl.Vectors.Search;
using Trawl.Vectors.Sketches;

namespace Trawl.Bench.Sisap;

/// <summary>
/// <c>sisap [--n 1000000] [--nq 10000] [--dir /tmp/trawl-sisap] [--work DIR] [--skip-ann] [--phases read,gold,pca,sketch,hnsw-peer-build,hnsw,ivfpq]</c>: the SISAP toolkit on synthetic
/// CLIP-like float16 vectors written by h5py, against h5py, faiss, numpy and hnswlib in the same run.
/// Prints JSON lines {bench, what, figure, unit, reference, reference_figure, ratio}.
/// </summary>
internal static class SisapBench
{
    private const string Python = "/usr/bin/python3";

    public static unsafe int Run(string[] args)
    {
        int n = IntArg(args, "--n", 1_000_000), nq = IntArg(args, "--nq", 10_000);
        string dir = StringArg(args, "--dir", "/tmp/trawl-sisap");
        // --work: where the ANN phases put what they make (hnswlib's saved index, result files), when --dir is read-only input.
        string work = StringArg(args, "--work", dir);
        Directory.CreateDirectory(work);
        bool skipAnn = args.Contains("--skip-ann");
        // --phases read,gold,pca,sketch,hnsw-peer-build,hnsw,ivfpq: a 1 M run does not fit one bench-lock slot, so it is split.
        var phases = StringArg(args, "--phases", "read,gold,pca,sketch,hnsw,ivfpq").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        if (skipAnn) { phases.Remove("hnsw"); phases.Remove("hnsw-peer-build"); phases.Remove("ivfpq"); }
        Prepare(dir, n, nq);
        if (phases.Count == 0) return 0;
        string script = Path.Combine(AppContext.BaseDirectory, "Sisap", "sisap_peers.py");
        Console.Error.WriteLine($"sisap bench: {n:N0} x 768 float16, {nq:N0} queries, {Environment.ProcessorCount} threads, load {Load()}");

        // 1. Reading the whole emb dataset.
        if (phases.Contains("read")) ReadPhase(script, dir);

        string goldPath = Path.Combine(dir, "gold.h5");
        if (phases.Overlaps(["gold", "pca", "sketch"]))
        {
            using var base_ = LoadedVectors.Open(Path.Combine(dir, "base.h5"), "the base");
            using var q = LoadedVectors.Open(Path.Combine(dir, "queries.h5"), "the queries");
            float[] queries = q.ToFloats();

            // 2. Gold standard, k = 100 (later phases read gold.h5 back when this one is skipped).
            if (phases.Contains("gold")) GoldPhase(script, dir, base_, queries, nq);
            var gold = NeighbourFile.Read(goldPath, "gold");

            if (phases.Contains("pca")) PcaPhase(script, dir, base_);
            if (phases.Contains("sketch")) SketchPhase(base_, queries, nq, gold);
        }

        // 5. search-h5 itself (SisapSearch: read the base, build, search, write the result files, score them): HNSW and
        // IVF-PQ+Refine, QPS at the first setting reaching recall@30 >= 0.8. `hnsw-peer-build` builds and saves hnswlib's
        // index in a run of its own (a 1 M build on each side does not fit one lock slot); `hnsw` then loads it.
        if (phases.Contains("hnsw-peer-build"))
            foreach (var j in Peer(script, "hnsw-build", dir, work))
                Emit("hnswlib M=32 efC=100 build (saved for the hnsw phase), seconds", j.GetProperty("build_s").GetDouble(), "s", null, null, null);
        if (phases.Contains("hnsw"))
            Ann(dir, work, "HNSW32", new SisapSearch.Options { Ef = [30, 40, 64, 96, 128], Gold = goldPath }, Peer(script, "hnsw", dir, work), "hnswlib M=32 efC=100");
        if (phases.Contains("ivfpq"))
            Ann(dir, work, "IVF1024,PQ64,Refine", new SisapSearch.Options { NProbe = [4, 8, 16, 32, 64], RefineFactor = 8, Gold = goldPath }, Peer(script, "ivfpq", dir, work), "faiss IVF1024,PQ64,RFlat k_factor=8");
        Console.Error.WriteLine($"sisap bench: done, load {Load()}");
        return 0;
    }

    private static unsafe void ReadPhase(string script, string dir)
    {
        var peerRead = Peer(script, "read", dir);
        foreach (string name in new[] { "base.h5", "base-gzip.h5" })
        {
            double best = double.MaxValue;
            long bytes = 0;
            for (int round = 0; round < 3; round++)
            {
                var clock = Stopwatch.StartNew();
                using var f = Hdf5File.Open(Path.Combine(dir, name));
                var emb = f.Dataset("emb");
                bytes = emb.Rows * emb.RowBytes;
                void* memory = NativeMemory.AlignedAlloc((nuint)bytes, 64);
                try
                {
                    emb.ReadRows(0, emb.Rows, (byte*)memory);
                }
                finally
                {
                    NativeMemory.AlignedFree(memory);
                }
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            double peer = peerRead.First(j => j.GetProperty("file").GetString() == name).GetProperty("seconds").GetDouble();
            Emit($"read whole emb ({name}), seconds", best, "s", "h5py f['emb'][:]", peer, best / peer);
            Emit($"read whole emb ({name}), GB/s", bytes / best / 1e9, "GB/s", "h5py", bytes / peer / 1e9, null);
        }
    }

    private static void GoldPhase(string script, string dir, LoadedVectors base_, float[] queries, int nq)
    {
        var peerGold = Peer(script, "gold", dir).Single();
        var watch = Stopwatch.StartNew();
        var (ids, dists) = GoldStandard.Compute(base_.Matrix, queries, 100);
        double goldSeconds = watch.Elapsed.TotalSeconds;
        NeighbourFile.Write(Path.Combine(dir, "gold.h5"), ids, dists, nq, 100, new Dictionary<string, object> { ["algo"] = "bruteforce" });
        double fg = peerGold.GetProperty("seconds").GetDouble();
        Emit($"gold {nq} queries k=100 (float16 base), seconds", goldSeconds, "s", "faiss IndexFlatIP (float32 base)", fg, goldSeconds / fg);
        var faissIds = ReadNpyInts(Path.Combine(dir, "faiss_gold.npy"));
        var (agree, _) = ChallengeRecall.Compute(faissIds, [], 100, ids, 100, 100);
        Emit("gold agreement with faiss (recall@100 of ours vs faiss float32)", agree, "recall", null, null, null);
    }

    private static void PcaPhase(string script, string dir, LoadedVectors base_)
    {
        var peerPca = Peer(script, "pca", dir).Single();
        var watch = Stopwatch.StartNew();
        PcaModel pca = PcaTrainer.Fit(base_.Matrix, 96);
        double pcaSeconds = watch.Elapsed.TotalSeconds;
        double np_ = peerPca.GetProperty("seconds").GetDouble();
        Emit("PCA-96 fit on all rows, seconds", pcaSeconds, "s", "numpy float32 X.T@X + eigh", np_, pcaSeconds / np_);
        Emit("PCA-96 top eigenvalue", pca.Variances[0], "variance", "numpy", peerPca.GetProperty("top_variance").GetDouble(), pca.Variances[0] / peerPca.GetProperty("top_variance").GetDouble());
    }

    private static void SketchPhase(LoadedVectors base_, float[] queries, int nq, NeighbourFile gold)
    {
        // 4. Hamming over 1024-bit sketches against float16 exact search, single queries.
        var sketcher = BinarySketcher.Create(base_.Matrix, 1024);
        var words = new ulong[base_.Matrix.Rows * 16];
        Parallel.For(0, Environment.ProcessorCount, t =>
        {
            long a = base_.Matrix.Rows * t / Environment.ProcessorCount, b = base_.Matrix.Rows * (t + 1) / Environment.ProcessorCount;
            for (long r = a; r < b; r += 1024)
                sketcher.Sketch(base_.Matrix, r, (int)Math.Min(1024, b - r), words.AsSpan((int)(r * 16)));
        });
        var bits = VectorMatrix.FromBits(words, 1024);
        ulong[] qbits = sketcher.Sketch(queries);
        var hamming = ExactSearch.Create(bits, VectorMetric.Hamming);
        var exact16 = ExactSearch.Create(base_.Matrix, VectorMetric.InnerProduct);
        int singles = Math.Min(200, nq);
        for (int i = 0; i < 5; i++) { hamming.Search(qbits.AsSpan(0, 16), 10); exact16.Search(queries.AsSpan(0, 768), 10); }
        var watch = Stopwatch.StartNew();
        var hamResults = new long[singles * 10];
        for (int i = 0; i < singles; i++) hamming.Search(qbits.AsSpan(i * 16, 16), 10).Ids.CopyTo(hamResults, i * 10);
        double hamMs = watch.Elapsed.TotalMilliseconds / singles;
        watch.Restart();
        for (int i = 0; i < singles; i++) exact16.Search(queries.AsSpan(i * 768, 768), 10);
        double f16Ms = watch.Elapsed.TotalMilliseconds / singles;
        Emit("Hamming 1024-bit single query, ms", hamMs, "ms", "float16 exact single query, same run", f16Ms, f16Ms / hamMs);
        // Batches: the codes (or the float16 rows) stream once per block of queries on both sides.
        int batch = Math.Min(1000, nq);
        hamming.SearchBatch(qbits.AsSpan(0, 64), 10);
        exact16.SearchBatch(queries.AsSpan(0, 4 * 768), 10);
        watch.Restart();
        hamming.SearchBatch(qbits.AsSpan(0, batch * 16), 10);
        double hamBatchMs = watch.Elapsed.TotalMilliseconds / batch;
        watch.Restart();
        exact16.SearchBatch(queries.AsSpan(0, batch * 768), 10);
        double f16BatchMs = watch.Elapsed.TotalMilliseconds / batch;
        Emit($"Hamming 1024-bit batch of {batch} queries, ms per query", hamBatchMs, "ms", $"float16 exact batch of {batch}, same run", f16BatchMs, f16BatchMs / hamBatchMs);
        var goldTop10 = new long[singles * 10];
        for (int i = 0; i < singles; i++) Array.Copy(gold.Ids, (long)i * gold.K, goldTop10, i * 10, 10);
        var (hamRecall, _) = ChallengeRecall.Compute(goldTop10, [], 10, hamResults, 10, 10);
        Emit("Hamming 1024-bit recall@10 kept", hamRecall, "recall", null, null, null);
        GC.KeepAlive(words);
    }

    private static void Ann(string dir, string work, string factory, SisapSearch.Options options, List<JsonElement> peer, string peerName)
    {
        string output = Path.Combine(work, "result-" + factory.Replace(',', '-') + ".h5");
        SisapSearch.Report report = SisapSearch.Execute(Path.Combine(dir, "base.h5"), Path.Combine(dir, "queries.h5"), factory, 30, output, options);
        double? ours = null;
        foreach (var run in report.Runs)
        {
            Emit($"search-h5 {factory} {run.Params}: recall@30 {run.Recall:0.000}, QPS", run.QueriesPerSecond, "queries/s", null, null, null);
            if (run.Recall >= 0.8 && ours is null) ours = run.QueriesPerSecond;
            File.Delete(run.Path);
        }
        double? theirs = null, peerBuild = null;
        foreach (var j in peer)
        {
            Emit($"{peerName} {j.GetProperty("params")}: recall@30 {j.GetProperty("recall30").GetDouble():0.000}, QPS", j.GetProperty("qps").GetDouble(), "queries/s", null, null, null);
            if (theirs is null && j.GetProperty("recall30").GetDouble() >= 0.8) theirs = j.GetProperty("qps").GetDouble();
            peerBuild ??= j.GetProperty("build_s").GetDouble();
        }
        Emit($"search-h5 {factory} build, seconds", report.BuildSeconds, "s", peerName, peerBuild, peerBuild is { } pb ? report.BuildSeconds / pb : null);
        Emit($"search-h5 {factory} QPS at the first setting reaching recall@30 >= 0.8", ours ?? 0, "queries/s", peerName, theirs, ours is { } a && theirs is { } b ? a / b : null);
    }

    private static void Prepare(string dir, int n, int nq)
    {
        Directory.CreateDirectory(dir);
        string marker = Path.Combine(dir, $"ready-{n}-{nq}");
        if (File.Exists(marker)) return;
        Console.Error.WriteLine($"sisap bench: generating {n:N0} + {nq:N0} vectors and writing them with h5py in {dir}...");
        Exec(Path.Combine(FindShared(), "gen_clip_like.py"), dir, "--n", n.ToString(CultureInfo.InvariantCulture), "--nq", nq.ToString(CultureInfo.InvariantCulture), "--float16");
        Exec("-c", """
import sys, numpy as np, h5py
d = sys.argv[1]
b = np.load(d + "/base.npy"); q = np.load(d + "/queries.npy")
with h5py.File(d + "/base.h5", "w") as f: f.create_dataset("emb", data=b)
with h5py.File(d + "/base-gzip.h5", "w") as f: f.create_dataset("emb", data=b, chunks=(4096, b.shape[1]), compression="gzip", compression_opts=1)
with h5py.File(d + "/queries.h5", "w") as f: f.create_dataset("emb", data=q)
""", dir);
        File.WriteAllText(marker, "");
    }

    private static long[] ReadNpyInts(string path)
    {
        using var npy = Trawl.Formats.NumPy.NpyFile.Open(path);
        unsafe
        {
            var span = new ReadOnlySpan<int>((void*)npy.DataAddress, checked((int)npy.ElementCount));
            var result = new long[span.Length];
            for (int i = 0; i < span.Length; i++) result[i] = span[i];
            return result;
        }
    }

    private static List<JsonElement> Peer(string script, string what, string dir, string? work = null)
    {
        string output = work is null ? Exec(script, what, dir) : Exec(script, what, dir, work);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    private static string Exec(params string[] args)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + Python);
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', args.Take(2))} failed with exit code {process.ExitCode}");
        return output;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";

    private static void Emit(string what, double figure, string unit, string? reference, double? referenceFigure, double? ratio)
    =>
        Reporting.FigureLine.Write("sisap", what, figure, unit, reference, referenceFigure, ratio);

    private static string FindShared()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "..", "shared", "bench");
            if (File.Exists(Path.Combine(d.FullName, "Trawl.slnx")) && Directory.Exists(candidate)) return candidate;
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
