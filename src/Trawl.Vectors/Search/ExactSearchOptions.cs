using Trawl.Vectors.Kernels;

namespace Trawl.Vectors.Search;

/// <summary>Options fixed when an <see cref="ExactSearch"/> is created.</summary>
public sealed class ExactSearchOptions
{
    /// <summary>Worker threads for one search; null uses <see cref="Environment.ProcessorCount"/>.</summary>
    public int? Threads { get; init; }

    /// <summary>Use at most this instruction-set level (for comparisons); null uses the best the CPU has.</summary>
    public SimdLevel? MaxSimdLevel { get; init; }

    /// <summary>Bytes of rows a batch reads once and scores against every query chunk (tests make it small to cross spans).</summary>
    internal long BatchSpanBytes { get; init; } = BlockedBatchScan.SpanBytes;
}
