namespace Trawl.Formats.Parquet.Metadata;

/// <summary>A ColumnChunk with its ColumnMetaData: where one column's pages of one row group lie.</summary>
internal sealed class ParquetColumnChunk
{
    public string? FilePath { get; set; }
    public bool HasMetadata { get; set; }
    public bool IsEncrypted { get; set; }
    public ParquetPhysicalType Type { get; set; }
    public List<string> PathInSchema { get; } = new();
    public ParquetCompression Codec { get; set; }
    public long NumValues { get; set; }
    public long TotalUncompressedSize { get; set; }
    public long TotalCompressedSize { get; set; }
    public long DataPageOffset { get; set; }
    public long? DictionaryPageOffset { get; set; }
    public List<ParquetEncoding> Encodings { get; } = new();
}
