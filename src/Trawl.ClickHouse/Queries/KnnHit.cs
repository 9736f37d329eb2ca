namespace Trawl.ClickHouse.Queries;

/// <summary>One neighbour: its row id and its score (the inner product, the cosine similarity, or the L2 distance).</summary>
public readonly record struct KnnHit(long Id, double Score);
