namespace Trawl.Store.AnnIndexes;

/// <summary>What <see cref="BareIndexes.Search"/> did.</summary>
/// <param name="Queries">Queries searched.</param>
/// <param name="K">Neighbours per query.</param>
/// <param name="Settings">"ef 64", "nprobe 16" or "exact".</param>
/// <param name="OutPath">The int32 (queries × k) .npy of row ids written (−1 where fewer were found).</param>
/// <param name="Elapsed">Search time (the batch on all threads, opening not included).</param>
/// <param name="OpenElapsed">Time to open the base and the index (the base's checksum included).</param>
public sealed record BareSearchReport(int Queries, int K, string Settings, string OutPath, TimeSpan Elapsed, TimeSpan OpenElapsed);
