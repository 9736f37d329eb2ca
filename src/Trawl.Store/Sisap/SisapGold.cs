using System.Diagnostics;
using Trawl.Vectors.GroundTruth;

namespace Trawl.Store.Sisap;

/// <summary><c>trawl gold</c>: the exact k nearest neighbours of every query, written as the challenge publishes gold standards.</summary>
public static class SisapGold
{
    /// <param name="StreamedBytes">Base bytes read by the scans: the whole base once per <see cref="GoldStandard.QueriesPerScan"/> queries.</param>
    /// <param name="GBPerSecond">StreamedBytes / Seconds, in 10⁹ bytes per second: against the disk's or the page cache's read speed.</param>
    public sealed record Report(string Path, int Queries, int K, long BaseRows, int Dimension, bool Float64, double Seconds, long StreamedBytes, double GBPerSecond);

    public static Report Run(string basePath, string queriesPath, int k, string outPath, bool float64, string? baseDataset = null, string? queriesDataset = null,
        int? threads = null, IProgress<SisapProgress>? progress = null, CancellationToken cancel = default)
    {
        if (k is < 1 or > 10_000) throw new UserErrorException($"--k must be between 1 and 10,000, not {k}");
        using var base_ = LoadedVectors.Open(basePath, "the base", baseDataset, (d, t) => progress?.Report(new SisapProgress("reading the base", d, t)), cancel);
        using var q = LoadedVectors.Open(queriesPath, "the queries", queriesDataset);
        if (q.Matrix.Dimension != base_.Matrix.Dimension)
            throw new UserErrorException($"{queriesPath}: the queries have dimension {q.Matrix.Dimension}, the base {base_.Matrix.Dimension}");
        if (k > base_.Matrix.Rows) throw new UserErrorException($"--k {k} is more than the base's {base_.Matrix.Rows} rows");
        float[] queries = q.ToFloats();
        int nq = (int)q.Matrix.Rows;
        var clock = Stopwatch.StartNew();
        var (ids, dists) = GoldStandard.Compute(base_.Matrix, queries, k, float64, threads, done =>
        {
            cancel.ThrowIfCancellationRequested();
            progress?.Report(new SisapProgress("searching", done, nq));
        });
        clock.Stop();
        NeighbourFile.Write(outPath, ids, dists, nq, k, new Dictionary<string, object>
        {
            ["algo"] = float64 ? "bruteforce-float64" : "bruteforce",
            ["data"] = Path.GetFileName(basePath),
            ["queries"] = Path.GetFileName(queriesPath),
            ["size"] = base_.Matrix.Rows,
            ["querytime"] = clock.Elapsed.TotalSeconds,
            ["distance"] = "1 - dot",
        });
        long streamed = GoldStandard.StreamedBytes(base_.Matrix, nq);
        double seconds = clock.Elapsed.TotalSeconds;
        return new Report(Path.GetFullPath(outPath), nq, k, base_.Matrix.Rows, base_.Matrix.Dimension, float64, seconds, streamed,
            Math.Round(streamed / Math.Max(seconds, 1e-9) / 1e9, 3));
    }
}
