namespace Trawl.Store.Ingest;

/// <summary>How long one <see cref="IngestPhase"/> took.</summary>
/// <param name="Elapsed">Wall time.</param>
/// <param name="Cpu">CPU time of the whole process meanwhile (every thread; on a busy machine steadier than wall).</param>
public sealed record IngestPhaseTime(IngestPhase Phase, TimeSpan Elapsed, TimeSpan Cpu);
