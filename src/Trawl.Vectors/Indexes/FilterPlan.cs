namespace Trawl.Vectors.Indexes;

/// <summary>
/// How an index answers a batch with an allow-list (<see cref="IVectorIndex.PlanFilter"/>): the strategy it takes
/// (<see cref="FilterStrategy.Walk"/> or <see cref="FilterStrategy.Exact"/>, never Auto), the allow-list's
/// density and, for a walk, the widened beam or list count. A walk that comes back short for a query still
/// answers that query exactly over the allowed rows.
/// </summary>
/// <param name="Strategy">Walk or Exact.</param>
/// <param name="Allowed">Allowed rows among the indexed ones.</param>
/// <param name="Indexed">Rows the index covers.</param>
/// <param name="Ef">HNSW: the widened beam a walk uses; null for other kinds or an exact scan.</param>
/// <param name="NProbe">IVF: the widened list count a walk visits; null for other kinds or an exact scan.</param>
public sealed record FilterPlan(FilterStrategy Strategy, long Allowed, long Indexed, int? Ef, int? NProbe)
{
    /// <summary>Allowed / indexed rows.</summary>
    public double Density => Indexed == 0 ? 0 : (double)Allowed / Indexed;
}
