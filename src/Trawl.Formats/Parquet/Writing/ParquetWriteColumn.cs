using Trawl.Formats.Tables;

namespace Trawl.Formats.Parquet.Writing;

/// <summary>
/// A column of a Parquet file to write: its name and type. Every column is OPTIONAL (nullable).
/// Boolean, Int64 (INT64), Double (DOUBLE), Text and Json (BYTE_ARRAY, STRING), Binary (BYTE_ARRAY),
/// Timestamp (INT64 microseconds since the epoch, TIMESTAMP(MICROS, UTC): give them to WriteInt64).
/// </summary>
public sealed record ParquetWriteColumn(string Name, ColumnType Type)
{
    internal void Validate()
    {
        if (string.IsNullOrEmpty(Name)) throw new ArgumentException("a column needs a name");
        if (Type is ColumnType.Any or ColumnType.Date)
            throw new ArgumentException($"column '{Name}': type {Type} cannot be written; give Text for dates and for mixed values");
    }
}
