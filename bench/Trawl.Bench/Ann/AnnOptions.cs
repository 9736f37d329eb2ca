using System.Globalization;

namespace Trawl.Bench.Ann;

/// <summary>Command-line options of the <c>ann</c> benchmark.</summary>
internal sealed record AnnOptions
{
    public int N { get; init; } = 200_000;
    public int Nq { get; init; } = 1_000;
    public int Dim { get; init; } = 768;
    public string Dir { get; init; } = "/tmp/trawl-ann";
    public IReadOnlyList<int> Ms { get; init; } = [16];
    public int EfConstruction { get; init; } = 100;
    public int NList { get; init; } = 1024;
    public int Pq { get; init; } = 64;
    public int K { get; init; } = 10;
    /// <summary>Which engines run: trawl-hnsw, trawl-ivfpq, hnswlib, faiss-hnsw, faiss-ivfpq.</summary>
    public IReadOnlySet<string> Engines { get; init; } = new HashSet<string>(AllEngines);
    /// <summary>A peer script running longer than this is stopped (its figures are then missing).</summary>
    public int PeerTimeoutSeconds { get; init; } = 900;
    public string SharedBench { get; init; } = "/work/shared/bench";
    public string Python { get; init; } = "/usr/bin/python3";
    /// <summary>Open Trawl's index files from an earlier run instead of building them (to measure searches again; build_s is then null).</summary>
    public bool Reuse { get; init; }

    public static readonly string[] AllEngines = ["trawl-hnsw", "trawl-ivfpq", "hnswlib", "faiss-hnsw", "faiss-ivfpq"];
    /// <summary>The same ef values peers.py sweeps, so "best QPS at recall ≥ x" compares like with like.</summary>
    public static readonly int[] EfSweep = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256];
    public static readonly int[] NProbeSweep = [1, 2, 4, 8, 16, 32, 64, 128];
    /// <summary>IVF-PQ refine factors: ×1 is PQ alone (the k PQ winners, exact scores), the others re-rank k × factor candidates.</summary>
    public IReadOnlyList<int> RefineSweep { get; init; } = [1, 8, 16, 32];
    /// <summary>IVF-PQ training rows per list (peers.py gives faiss 100 × nlist rows).</summary>
    public int TrainingRowsPerCentroid { get; init; } = 100;

    public const string Usage = "usage: Trawl.Bench ann [--n 200000] [--nq 1000] [--dim 768] [--dir /tmp/trawl-ann] [--m 16,32] [--efc 100] "
        + "[--nlist 1024] [--pq 64] [--ivf-train-per-list 100] [--refine 1,8,16,32] [--engines trawl-hnsw,trawl-ivfpq,hnswlib,faiss-hnsw,faiss-ivfpq] [--peer-timeout 900] [--shared /work/shared/bench] [--reuse]";

    public static AnnOptions Parse(IReadOnlyList<string> args)
    {
        var o = new AnnOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name == "--reuse")
            {
                o = o with { Reuse = true };
                continue;
            }
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value\n{Usage}");
            string v = args[++i];
            o = name switch
            {
                "--n" => o with { N = Int(v) },
                "--nq" => o with { Nq = Int(v) },
                "--dim" => o with { Dim = Int(v) },
                "--dir" => o with { Dir = v },
                "--m" => o with { Ms = v.Split(',').Select(Int).ToList() },
                "--efc" => o with { EfConstruction = Int(v) },
                "--nlist" => o with { NList = Int(v) },
                "--pq" => o with { Pq = Int(v) },
                "--ivf-train-per-list" => o with { TrainingRowsPerCentroid = Int(v) },
                "--refine" => o with { RefineSweep = v.Split(',').Select(Int).ToList() },
                "--engines" => o with { Engines = v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet() },
                "--peer-timeout" => o with { PeerTimeoutSeconds = Int(v) },
                "--shared" => o with { SharedBench = v },
                _ => throw new ArgumentException($"unknown option {name}\n{Usage}"),
            };
        }
        foreach (string e in o.Engines)
            if (!AllEngines.Contains(e)) throw new ArgumentException($"unknown engine {e} (engines: {string.Join(", ", AllEngines)})");
        return o;
    }

    private static int Int(string s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
        ? v : throw new ArgumentException($"'{s}' is not a positive whole number");
}
