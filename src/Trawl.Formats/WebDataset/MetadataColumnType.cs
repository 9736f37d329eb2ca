namespace Trawl.Formats.WebDataset;

/// <summary>The column types <see cref="MetadataParquetWriter"/> writes (every column optional).</summary>
public enum MetadataColumnType
{
    /// <summary>UTF-8 string (BYTE_ARRAY, UTF8).</summary>
    Text,
    Int32,
    Int64,
    Double,
}
