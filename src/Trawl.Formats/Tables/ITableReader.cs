namespace Trawl.Formats.Tables;

/// <summary>
/// The one streaming contract every input format implements: a schema known up front and rows
/// handed out in column batches. Errors in the data are <see cref="DataFormatException"/>s that
/// name the file and the place.
/// </summary>
public interface ITableReader : IDisposable
{
    /// <summary>The file being read (for messages).</summary>
    string Path { get; }

    /// <summary>The columns every batch holds, in order.</summary>
    TableSchema Schema { get; }

    /// <summary>The total number of rows, when the format knows it without reading everything (Parquet, .npy); otherwise null.</summary>
    long? RowCount { get; }

    /// <summary>How far through the source the reader is, in bytes of the file on disk, for progress bars.</summary>
    long BytesRead { get; }

    /// <summary>The size of the source on disk in bytes, for progress bars.</summary>
    long BytesTotal { get; }

    /// <summary>
    /// Clears <paramref name="batch"/> and fills it with up to <paramref name="maxRows"/> rows.
    /// Returns false, with an empty batch, at the end of the data.
    /// </summary>
    bool ReadBatch(ColumnBatch batch, int maxRows);
}
