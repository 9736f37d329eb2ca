namespace Trawl.Formats.Parquet.Writing;

/// <summary>How <see cref="ParquetFileWriter"/> compresses pages.</summary>
public enum ParquetWriteCompression
{
    None,
    Snappy,
    Zstd,
}
