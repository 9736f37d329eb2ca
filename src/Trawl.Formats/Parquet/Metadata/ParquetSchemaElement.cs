namespace Trawl.Formats.Parquet.Metadata;

/// <summary>One SchemaElement of the footer's depth-first flattened schema.</summary>
internal sealed class ParquetSchemaElement
{
    public string Name { get; set; } = "";
    /// <summary>Null for a group.</summary>
    public ParquetPhysicalType? Type { get; set; }
    public int TypeLength { get; set; }
    public ParquetRepetition Repetition { get; set; } = ParquetRepetition.Required;
    public int NumChildren { get; set; }
    public ParquetConvertedType ConvertedType { get; set; } = ParquetConvertedType.None;
    public int Scale { get; set; }
    public int Precision { get; set; }
    public ParquetLogicalType? LogicalType { get; set; }
}
