namespace Trawl.Formats.Parquet.Metadata;

/// <summary>A LogicalType annotation with the parameters its kind uses.</summary>
internal sealed record ParquetLogicalType(
    ParquetLogicalKind Kind,
    int Scale = 0,
    int Precision = 0,
    bool IsAdjustedToUtc = false,
    ParquetTimeUnit Unit = ParquetTimeUnit.Millis,
    int BitWidth = 0,
    bool IsSigned = true);
