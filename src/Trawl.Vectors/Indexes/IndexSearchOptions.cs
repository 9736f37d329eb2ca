using Trawl.Vectors.Search;

namespace Trawl.Vectors.Indexes;

/// <summary>Per-search settings; each index kind reads the ones it has.</summary>
public sealed class IndexSearchOptions
{
    /// <summary>HNSW: size of the search beam (at least k is used); null uses the index's default.</summary>
    public int? Ef { get; init; }

    /// <summary>IVF: inverted lists visited per query; null uses the index's default.</summary>
    public int? NProbe { get; init; }

    /// <summary>With <c>,Refine</c>: candidates re-ranked exactly per wanted result; null uses the index's default.</summary>
    public int? RefineFactor { get; init; }

    /// <summary>Only rows this allow-list holds are returned; null searches every row.</summary>
    public RowFilter? Filter { get; init; }

    /// <summary>
    /// With a filter that allows less than this fraction of the indexed rows, the search scans the
    /// allowed rows exactly instead of walking the index (graph and list walks lose recall there).
    /// </summary>
    public double ExactBelowFraction { get; init; } = DefaultExactBelowFraction;

    /// <summary>With a filter: walk the index, scan the allowed rows exactly, or choose by density (the default).</summary>
    public FilterStrategy FilterStrategy { get; init; } = FilterStrategy.Auto;

    /// <summary>Threads for a batch of queries; null uses <see cref="Environment.ProcessorCount"/>.</summary>
    public int? Threads { get; init; }

    public const double DefaultExactBelowFraction = 0.02;

    /// <summary>These options with another beam and list count (the filtered walk widens them).</summary>
    internal IndexSearchOptions With(int? ef, int? nprobe) => new()
    {
        Ef = ef,
        NProbe = nprobe,
        RefineFactor = RefineFactor,
        Filter = Filter,
        ExactBelowFraction = ExactBelowFraction,
        FilterStrategy = FilterStrategy,
        Threads = Threads,
    };
}
