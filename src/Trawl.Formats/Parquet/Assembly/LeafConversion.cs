namespace Trawl.Formats.Parquet.Assembly;

/// <summary>How a leaf's stored values become Trawl values, decided once from its physical and logical type.</summary>
internal enum LeafConversion
{
    Boolean,
    Int64,
    UInt32,
    /// <summary>Values above long.MaxValue become doubles.</summary>
    UInt64,
    Double,
    Float16,
    Text,
    Binary,
    Json,
    /// <summary>INT32/INT64 unscaled decimal, written as exact JSON number text.</summary>
    DecimalInt,
    /// <summary>Big-endian two's complement bytes (BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY) unscaled decimal.</summary>
    DecimalBytes,
    Date,
    TimestampMillis,
    TimestampMicros,
    TimestampNanos,
    Int96Timestamp,
    TimeMillis,
    TimeMicros,
    TimeNanos,
    Uuid,
}
