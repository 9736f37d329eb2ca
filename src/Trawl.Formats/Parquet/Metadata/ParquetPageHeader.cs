namespace Trawl.Formats.Parquet.Metadata;

/// <summary>A PageHeader with the fields of its data (v1 or v2) or dictionary page header flattened in.</summary>
internal struct ParquetPageHeader
{
    public ParquetPageType Type;
    public int UncompressedSize;
    public int CompressedSize;
    public int? Crc;
    public bool HasDataHeader;
    public bool HasDictionaryHeader;
    public bool HasDataHeaderV2;
    public int NumValues;
    public ParquetEncoding Encoding;
    public ParquetEncoding DefinitionLevelEncoding;
    public ParquetEncoding RepetitionLevelEncoding;
    // Data page v2 only.
    public int NumNulls;
    public int NumRows;
    public int DefinitionLevelsByteLength;
    public int RepetitionLevelsByteLength;
    public bool IsCompressed;
}
