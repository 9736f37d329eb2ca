using Trawl.Vectors;

namespace Trawl.Store.VectorSets;

/// <summary>A vector set of a dataset, as its backend's registry describes it (SQLite: a row of <c>_trawl_vector_sets</c>).
/// Row i of the set belongs to the table row at position (rowid) i.</summary>
/// <param name="Name">Set name, e.g. "image" or "text".</param>
/// <param name="Table">The data table whose rows the vectors belong to.</param>
/// <param name="File">Path of the vector set file relative to the dataset folder, e.g. "vectors/image.f16".</param>
/// <param name="ElementType">How components are stored (f16 or f32).</param>
/// <param name="Dimension">Components per vector.</param>
/// <param name="Count">Vectors in the set (equals the table's row count once ingest finished).</param>
/// <param name="Metric">How the set is searched.</param>
/// <param name="Checksum">The file's data checksum (hex), to detect stale indexes.</param>
public sealed record VectorSetInfo(
    string Name,
    string Table,
    string File,
    VectorElementType ElementType,
    int Dimension,
    long Count,
    VectorMetric Metric,
    string Checksum)
{
    /// <summary>Bytes one stored vector takes.</summary>
    public long VectorBytes => VectorElementTypes.RowBytes(ElementType, Dimension);
}
