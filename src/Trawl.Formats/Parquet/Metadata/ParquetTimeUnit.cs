namespace Trawl.Formats.Parquet.Metadata;

/// <summary>TimeUnit of TIME and TIMESTAMP logical types.</summary>
internal enum ParquetTimeUnit
{
    Millis = 1,
    Micros = 2,
    Nanos = 3,
}
