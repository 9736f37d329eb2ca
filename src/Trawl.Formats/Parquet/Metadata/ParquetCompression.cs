namespace Trawl.Formats.Parquet.Metadata;

/// <summary>CompressionCodec in parquet.thrift.</summary>
internal enum ParquetCompression
{
    Uncompressed = 0,
    Snappy = 1,
    Gzip = 2,
    Lzo = 3,
    Brotli = 4,
    Lz4 = 5,
    Zstd = 6,
    Lz4Raw = 7,
}
