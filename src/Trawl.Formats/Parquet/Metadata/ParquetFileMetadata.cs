namespace Trawl.Formats.Parquet.Metadata;

/// <summary>The footer's FileMetaData (the parts this reader uses).</summary>
internal sealed class ParquetFileMetadata
{
    public int Version { get; set; }
    public List<ParquetSchemaElement> Schema { get; } = new();
    public long NumRows { get; set; }
    public List<ParquetRowGroup> RowGroups { get; } = new();
    public List<KeyValuePair<string, string?>> KeyValues { get; } = new();
    public string? CreatedBy { get; set; }
    public bool HasEncryptionAlgorithm { get; set; }
}
