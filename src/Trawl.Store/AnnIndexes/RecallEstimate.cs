namespace Trawl.Store.AnnIndexes;

/// <summary>Recall@k of an index against exact search on a sample of the set's own rows used as queries.</summary>
/// <param name="Recall">Mean fraction of the exact k neighbours the index found (the query row itself left out of both).</param>
/// <param name="Queries">Rows sampled as queries.</param>
/// <param name="K">Neighbours compared per query.</param>
/// <param name="Settings">The search settings used, e.g. "ef 64" or "nprobe 16, refine ×16".</param>
/// <param name="IndexMilliseconds">Index search time per query (the batch on all threads, divided by the queries).</param>
/// <param name="ExactMilliseconds">Exact search time per query, measured the same way.</param>
public sealed record RecallEstimate(double Recall, int Queries, int K, string Settings, double IndexMilliseconds, double ExactMilliseconds)
{
    /// <summary>The expected speed: queries per second at <see cref="IndexMilliseconds"/> (0 when nothing was timed).</summary>
    public double QueriesPerSecond => IndexMilliseconds > 0 ? 1000 / IndexMilliseconds : 0;
}
