namespace Trawl.Store.AnnIndexes;

/// <summary>A vector set's index as <c>_trawl_indexes</c> records it.</summary>
/// <param name="VectorSet">The indexed set.</param>
/// <param name="File">Index file relative to the dataset folder, e.g. "indexes/image.hnsw".</param>
/// <param name="Factory">The factory string it was built from, e.g. "HNSW32".</param>
/// <param name="Metric">The metric the index was built for.</param>
/// <param name="VectorSetChecksum">The set's checksum when the index was built.</param>
/// <param name="BuiltAt">When it was built (UTC, ISO 8601).</param>
/// <param name="BuildSeconds">How long the build took.</param>
/// <param name="SizeBytes">Size of the index file (0 when it is missing).</param>
/// <param name="Stale">The vector set changed since (its checksum differs) or the file is missing: the index is not used.</param>
public sealed record DatasetIndexInfo(
    string VectorSet,
    string File,
    string Factory,
    Trawl.Vectors.VectorMetric Metric,
    string VectorSetChecksum,
    string BuiltAt,
    double BuildSeconds,
    long SizeBytes,
    bool Stale);
