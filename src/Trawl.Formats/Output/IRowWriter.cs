using Trawl.Formats.Tables;

namespace Trawl.Formats.Output;

/// <summary>Writes rows, batch by batch, to a stream (the output of <c>trawl cat</c> and of exports).</summary>
public interface IRowWriter : IDisposable
{
    /// <summary>Writes every row of the batch; its columns are the schema's, in order.</summary>
    void WriteBatch(ColumnBatch batch);

    /// <summary>Writes what is buffered to the stream and flushes it.</summary>
    void Flush();
}
