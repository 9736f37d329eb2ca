namespace Trawl.Formats.Parquet.Metadata;

/// <summary>The member set in the LogicalType union of parquet.thrift (field ids); None when absent.</summary>
internal enum ParquetLogicalKind
{
    None = 0,
    String = 1,
    Map = 2,
    List = 3,
    Enum = 4,
    Decimal = 5,
    Date = 6,
    Time = 7,
    Timestamp = 8,
    Integer = 10,
    Unknown = 11,
    Json = 12,
    Bson = 13,
    Uuid = 14,
    Float16 = 15,
    Variant = 16,
    Geometry = 17,
    Geography = 18,
    /// <summary>A union member this reader does not know (a newer writer).</summary>
    Unrecognized = 100,
}
