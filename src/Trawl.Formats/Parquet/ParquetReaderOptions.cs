namespace Trawl.Formats.Parquet;

/// <summary>Limits and checks for <see cref="ParquetTableReader"/>.</summary>
public sealed class ParquetReaderOptions
{
    /// <summary>The most bytes one column chunk of one row group may decode to (pages decompressed plus decoded values); larger chunks are refused.</summary>
    public long MaxColumnChunkBytes { get; init; } = 1L << 30;

    /// <summary>The largest footer (file metadata) accepted.</summary>
    public int MaxFooterBytes { get; init; } = 256 << 20;

    /// <summary>How many column chunks of a row group may decode at once (1 decodes them one after another).</summary>
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Check page CRCs when the writer stored them.</summary>
    public bool VerifyChecksums { get; init; } = true;
}
