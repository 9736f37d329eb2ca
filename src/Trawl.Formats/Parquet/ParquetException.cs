namespace Trawl.Formats.Parquet;

/// <summary>
/// A problem in Parquet bytes found by a low-level decoder that does not know the file or column;
/// the reader catches it and rethrows a <see cref="Tables.DataFormatException"/> with the place.
/// </summary>
internal sealed class ParquetException : Exception
{
    public ParquetException(string problem) : base(problem) { }

    /// <summary>The page (0-based within its column chunk) where the problem is, when known.</summary>
    public int? Page { get; init; }

    /// <summary>The file offset of that page, when known.</summary>
    public long? ByteOffset { get; init; }
}
