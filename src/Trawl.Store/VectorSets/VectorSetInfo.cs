namespace Trawl.Store.VectorSets;

/// <summary>A vector set of a dataset, as its row in <c>_trawl_vector_sets</c> describes it.
/// Row i of the set belongs to the table row with rowid i.</summary>
/// <param name="Name">Set name, e.g. "image" or "text".</param>
/// <param name="Table">The data table whose rows the vectors belong to.</param>
/// <param name="File">Path of the vector set file relative to the dataset folder, e.g. "vectors/image.f16".</param>
/// <param name="ElementType">"f16" or "f32".</param>
/// <param name="Dimension">Components per vector.</param>
/// <param name="Count">Vectors in the set (equals the table's row count once ingest finished).</param>
/// <param name="Metric">"ip", "cosine" or "l2": how the set is searched.</param>
/// <param name="Checksum">The file's data checksum (hex), to detect stale indexes.</param>
public sealed record VectorSetInfo(
    string Name,
    string Table,
    string File,
    string ElementType,
    int Dimension,
    long Count,
    string Metric,
    string Checksum);
