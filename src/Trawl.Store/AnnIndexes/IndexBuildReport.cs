namespace Trawl.Store.AnnIndexes;

/// <summary>What <see cref="DatasetIndexes.Build"/> or <see cref="BareIndexes.Build"/> made.</summary>
/// <param name="Path">The index file written.</param>
/// <param name="Factory">Canonical factory string.</param>
/// <param name="Metric">The metric the index was built for.</param>
/// <param name="Rows">Vectors indexed.</param>
/// <param name="Dimension">Components per vector.</param>
/// <param name="VectorBytes">Bytes per stored vector (the set's element size × dimension).</param>
/// <param name="SizeBytes">Size of the index file.</param>
/// <param name="Elapsed">Build time (training, adding and saving).</param>
public sealed record IndexBuildReport(
    string Path,
    string Factory,
    Trawl.Vectors.VectorMetric Metric,
    long Rows,
    int Dimension,
    int VectorBytes,
    long SizeBytes,
    TimeSpan Elapsed)
{
    /// <summary>Index file bytes per vector (the vectors themselves stay in their set file).</summary>
    public double IndexBytesPerVector => Rows == 0 ? 0 : (double)SizeBytes / Rows;

    /// <summary>
    /// Memory a search needs per vector: the index, plus the vectors for HNSW (its walks read them at random,
    /// so they must stay in memory); IVF-PQ with Refine reads only k × refine rows per query.
    /// </summary>
    public double MemoryBytesPerVector => IndexBytesPerVector + (Factory.StartsWith("HNSW", StringComparison.OrdinalIgnoreCase) || Factory == "Flat" ? VectorBytes : 0);
}
