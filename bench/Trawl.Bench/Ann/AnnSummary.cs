using System.Globalization;

namespace Trawl.Bench.Ann;

/// <summary>Best QPS at recall ≥ 0.90 and ≥ 0.95 per engine (and HNSW M), and Trawl's ratios to the peers.</summary>
internal static class AnnSummary
{
    public static readonly double[] Targets = [0.90, 0.95];

    public static void Print(List<AnnPoint> points)
    {
        var groups = points.GroupBy(Key).ToList();
        var best = new Dictionary<(string Key, double Target), AnnPoint?>();
        foreach (var g in groups)
        {
            foreach (double t in Targets)
            {
                AnnPoint? top = g.Where(p => p.Recall >= t).OrderByDescending(p => p.Qps).FirstOrDefault();
                best[(g.Key, t)] = top;
                AnnBenchmark.Emit(new
                {
                    summary = g.Key,
                    recall_at_least = t,
                    qps = top is null ? (double?)null : Math.Round(top.Qps, 1),
                    @params = top?.Params,
                    recall = top is null ? (double?)null : Math.Round(top.Recall, 4),
                    build_s = Finite(g.First().BuildSeconds),
                    memory_bytes_per_vector = g.First().MemoryBytesPerVector is { } m ? Math.Round(m, 1) : (double?)null,
                    max_recall = Math.Round(g.Max(p => p.Recall), 4),
                });
            }
        }
        foreach (var g in groups.Where(g => g.Key.StartsWith("trawl", StringComparison.Ordinal)))
        {
            string suffix = g.Key.Contains(" M=", StringComparison.Ordinal) ? g.Key[g.Key.IndexOf(" M=", StringComparison.Ordinal)..] : "";
            string[] peers = g.Key.StartsWith("trawl-hnsw", StringComparison.Ordinal)
                ? ["hnswlib-hnsw" + suffix, "faiss-hnsw" + suffix]
                : ["faiss-ivfpq"];
            foreach (string peer in peers)
            {
                if (!groups.Any(x => x.Key == peer)) continue;
                foreach (double t in Targets)
                {
                    AnnPoint? a = best[(g.Key, t)], b = best[(peer, t)];
                    double? ratio = a is not null && b is not null ? Math.Round(a.Qps / b.Qps, 2) : null;
                    AnnBenchmark.Emit(new
                    {
                        ratio = $"{g.Key} / {peer}",
                        recall_at_least = t,
                        qps_ratio = ratio,
                        build_ratio = Finite(g.First().BuildSeconds / groups.First(x => x.Key == peer).First().BuildSeconds),
                        note = ratio is null ? "one of them never reached this recall in the sweep" : null,
                    });
                }
            }
        }
    }

    /// <summary>"trawl-hnsw M=16", "hnswlib-hnsw M=16", "faiss-ivfpq"...</summary>
    private static string Key(AnnPoint p)
    {
        int m = p.Params.IndexOf("M=", StringComparison.Ordinal);
        if (m < 0) return p.Engine;
        int end = p.Params.IndexOf(',', m);
        return p.Engine + " " + p.Params[m..(end < 0 ? p.Params.Length : end)];
    }

    private static double? Finite(double v) => double.IsFinite(v) ? Math.Round(v, 2) : null;

    public static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
