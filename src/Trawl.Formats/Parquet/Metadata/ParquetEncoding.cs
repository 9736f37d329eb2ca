namespace Trawl.Formats.Parquet.Metadata;

/// <summary>Value and level encodings, numbered as in parquet.thrift.</summary>
internal enum ParquetEncoding
{
    Plain = 0,
    GroupVarInt = 1,
    PlainDictionary = 2,
    Rle = 3,
    BitPacked = 4,
    DeltaBinaryPacked = 5,
    DeltaLengthByteArray = 6,
    DeltaByteArray = 7,
    RleDictionary = 8,
    ByteStreamSplit = 9,
}
