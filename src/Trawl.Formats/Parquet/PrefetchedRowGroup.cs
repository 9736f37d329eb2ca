namespace Trawl.Formats.Parquet;

/// <summary>
/// A row group decoded ahead of the reader on the thread pool: every column chunk read and decoded whole
/// into this slot's own chunks, decoders and buffers, which are swapped into the output columns when the
/// reader reaches the group. Slots are reused.
/// </summary>
internal sealed class PrefetchedRowGroup
{
    public PrefetchedRowGroup(int units, ParquetReaderOptions options)
    {
        Chunks = new LeafChunk[units];
        Decoders = new ColumnChunkDecoder[units];
        Buffers = new byte[units][];
        Errors = new Exception?[units];
        Tasks = new Task[units];
        for (int i = 0; i < units; i++)
        {
            Chunks[i] = new LeafChunk();
            Decoders[i] = new ColumnChunkDecoder(options.VerifyChecksums, options.MaxColumnChunkBytes);
            Buffers[i] = [];
        }
    }

    /// <summary>The row group this slot holds (or is decoding).</summary>
    public int RowGroup { get; set; } = -1;

    /// <summary>Per work unit (column, leaf) of the reader, in the reader's unit order.</summary>
    public LeafChunk[] Chunks { get; }
    public ColumnChunkDecoder[] Decoders { get; }
    public byte[][] Buffers { get; }
    public Exception?[] Errors { get; }
    public Task[] Tasks { get; }

    /// <summary>Waits for every unit; true when all decoded without error.</summary>
    public bool Wait()
    {
        bool ok = true;
        for (int i = 0; i < Tasks.Length; i++)
        {
            // Units catch their own exceptions into Errors, so waiting never throws.
            Tasks[i].Wait();
            ok &= Errors[i] is null;
        }
        return ok;
    }
}
