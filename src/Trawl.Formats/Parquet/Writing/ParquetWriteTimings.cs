using System.Diagnostics;

namespace Trawl.Formats.Parquet.Writing;

/// <summary>Where a writer's row-group flushes spend their time (Stopwatch ticks), for the curate benchmark's breakdown.</summary>
internal sealed class ParquetWriteTimings
{
    public long Flush;
    public long Compress;
    public long Write;

    public static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;
}
