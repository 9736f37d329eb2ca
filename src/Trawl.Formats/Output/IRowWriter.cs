using Trawl.Formats.Tables;

namespace Trawl.Formats.Output;

/// <summary>Writes rows, batch by batch, to a stream (the output of <c>trawl cat</c> and of exports).</summary>
public interface IRowWriter : IDisposable
{
    /// <summary>Writes every row of the batch; its columns are the schema's, in order.</summary>
    void WriteBatch(ColumnBatch batch) => WriteRows(batch, 0, batch.RowCount);

    /// <summary>Writes <paramref name="count"/> rows of the batch from <paramref name="firstRow"/> (for <c>--offset</c>/<c>--limit</c>).</summary>
    void WriteRows(ColumnBatch batch, int firstRow, int count);

    /// <summary>Writes what is buffered to the stream and flushes it.</summary>
    void Flush();
}
