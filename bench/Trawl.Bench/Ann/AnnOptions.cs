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
    /// <summary>Storage of the base Trawl's HNSW searches: f32 (the .npy as is) and/or f16 (converted once, what a Trawl dataset stores by default).</summary>
    public IReadOnlyList<string> Storages { get; init; } = ["f32"];
    /// <summary>HNSW walks: plain (exact keys on the stored rows) and/or sq8 (an int8 copy for the walk, re-ranked exactly).</summary>
    public IReadOnlyList<string> HnswWalks { get; init; } = ["plain"];
    /// <summary>Only these storage-walk pairs (e.g. f32-plain,f16-sq8) instead of every storage × walk; null for all.</summary>
    public IReadOnlySet<string>? HnswVariants { get; init; }
    /// <summary>Each ef point is timed this many times and the fastest run is reported (recall is the same every time).</summary>
    public int Repeat { get; init; } = 1;
    /// <summary>Name prefix of the files Trawl writes into the data folder (index files, the f16 base).</summary>
    public string Prefix { get; init; } = "trawl-";
    /// <summary>The ef values Trawl's HNSW sweeps (default <see cref="EfSweep"/>, which peers.py also sweeps).</summary>
    public IReadOnlyList<int> Efs { get; init; } = EfSweep;

    public static readonly string[] AllEngines = ["trawl-hnsw", "trawl-ivfpq", "hnswlib", "faiss-hnsw", "faiss-ivfpq"];
    /// <summary>The same ef values peers.py sweeps, so "best QPS at recall ≥ x" compares like with like.</summary>
    public static readonly int[] EfSweep = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256];
    public static readonly string[] AllStorages = ["f32", "f16"];
    public static readonly string[] AllWalks = ["plain", "sq8"];
    public static readonly int[] NProbeSweep = [1, 2, 4, 8, 16, 32, 64, 128];
    /// <summary>IVF-PQ refine factors: ×1 is PQ alone (the k PQ winners, exact scores), the others re-rank k × factor candidates.</summary>
    public IReadOnlyList<int> RefineSweep { get; init; } = [1, 8, 16, 32];
    /// <summary>IVF-PQ training rows per list (peers.py gives faiss 100 × nlist rows).</summary>
    public int TrainingRowsPerCentroid { get; init; } = 100;

    public const string Usage = "usage: Trawl.Bench ann [--n 200000] [--nq 1000] [--dim 768] [--dir /tmp/trawl-ann] [--m 16,32] [--efc 100] "
        + "[--nlist 1024] [--pq 64] [--ivf-train-per-list 100] [--refine 1,8,16,32] [--engines trawl-hnsw,trawl-ivfpq,hnswlib,faiss-hnsw,faiss-ivfpq] [--peer-timeout 900] [--shared /work/shared/bench] [--reuse] "
        + "[--storage f32,f16] [--walk plain,sq8] [--variants f32-plain,f16-sq8] [--repeat 1] [--prefix trawl-] [--ef 10,16,...,256]";

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
                "--storage" => o with { Storages = List(v, AllStorages, "storage") },
                "--walk" => o with { HnswWalks = List(v, AllWalks, "walk") },
                "--variants" => Variants(o, v),
                "--repeat" => o with { Repeat = Int(v) },
                "--ef" => o with { Efs = v.Split(',').Select(Int).ToList() },
                "--prefix" => o with { Prefix = v.Length > 0 && v.IndexOfAny(['/', '\\']) < 0 ? v : throw new ArgumentException($"--prefix '{v}' must be a plain file-name prefix") },
                _ => throw new ArgumentException($"unknown option {name}\n{Usage}"),
            };
        }
        foreach (string e in o.Engines)
            if (!AllEngines.Contains(e)) throw new ArgumentException($"unknown engine {e} (engines: {string.Join(", ", AllEngines)})");
        return o;
    }

    private static List<string> List(string v, string[] allowed, string what)
    {
        List<string> items = v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        foreach (string item in items)
            if (!allowed.Contains(item)) throw new ArgumentException($"unknown {what} '{item}' (one or more of: {string.Join(", ", allowed)})");
        return items.Count > 0 ? items : throw new ArgumentException($"--{what} needs at least one of: {string.Join(", ", allowed)}");
    }

    /// <summary>--variants f32-plain,f16-sq8: the storages and walks named, and only those pairs built.</summary>
    private static AnnOptions Variants(AnnOptions o, string v)
    {
        var pairs = v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (string p in pairs)
        {
            string[] parts = p.Split('-');
            if (parts.Length != 2 || !AllStorages.Contains(parts[0]) || !AllWalks.Contains(parts[1]))
                throw new ArgumentException($"unknown variant '{p}' (storage-walk, e.g. f32-plain, f16-sq8)");
        }
        return o with
        {
            Storages = pairs.Select(p => p.Split('-')[0]).Distinct().ToList(),
            HnswWalks = pairs.Select(p => p.Split('-')[1]).Distinct().ToList(),
            HnswVariants = pairs.ToHashSet(),
        };
    }

    private static int Int(string s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
        ? v : throw new ArgumentException($"'{s}' is not a positive whole number");
}
