namespace Trawl.Formats.Parquet.Metadata;

/// <summary>FieldRepetitionType in parquet.thrift.</summary>
internal enum ParquetRepetition
{
    Required = 0,
    Optional = 1,
    Repeated = 2,
}
