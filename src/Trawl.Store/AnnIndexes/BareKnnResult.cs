using Trawl.Vectors.Search;

namespace Trawl.Store.AnnIndexes;

/// <summary>What <see cref="BareIndexes.Knn"/> found.</summary>
/// <param name="Results">One per query, ids are base rows, scores the metric's own (squared distance for l2).</param>
/// <param name="BaseRows">Vectors in the base.</param>
/// <param name="K">Neighbours asked per query.</param>
/// <param name="Settings">"ef 64", "nprobe 16" or "exact".</param>
/// <param name="Elapsed">Search time (the batch on all threads, opening not included).</param>
/// <param name="OpenElapsed">Time to open the base, the queries and the index (the base's checksum included).</param>
public sealed record BareKnnResult(IReadOnlyList<SearchResult> Results, long BaseRows, int K, string Settings, TimeSpan Elapsed, TimeSpan OpenElapsed)
{
    /// <summary>Base bytes an exact search read: the whole base once for the batch (0 through an index).</summary>
    public long StreamedBytes { get; init; }

    /// <summary><see cref="StreamedBytes"/> per second of <see cref="Elapsed"/>, in 10⁹ bytes (0 through an index).</summary>
    public double GBPerSecond => StreamedBytes == 0 ? 0 : StreamedBytes / Math.Max(Elapsed.TotalSeconds, 1e-9) / 1e9;

    /// <summary>Near-duplicates dropped over all queries.</summary>
    public long Dropped => Results.Sum(r => (long)r.DuplicatesDropped);

    /// <summary>Ids as int32, queries × k, −1 where fewer were found.</summary>
    public int[] Ids()
    {
        var ids = new int[Results.Count * K];
        Array.Fill(ids, -1);
        for (int q = 0; q < Results.Count; q++)
            for (int i = 0; i < Results[q].Count; i++)
                ids[q * K + i] = checked((int)Results[q].Ids[i]);
        return ids;
    }

    /// <summary>Scores, queries × k, NaN where fewer were found.</summary>
    public float[] Scores()
    {
        var scores = new float[Results.Count * K];
        Array.Fill(scores, float.NaN);
        for (int q = 0; q < Results.Count; q++)
            for (int i = 0; i < Results[q].Count; i++)
                scores[q * K + i] = Results[q].Scores[i];
        return scores;
    }
}
