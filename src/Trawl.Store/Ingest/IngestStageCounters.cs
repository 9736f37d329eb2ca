namespace Trawl.Store.Ingest;

/// <summary>What one stage of the ingest pipeline did: rows in, rows passed on.</summary>
public sealed record IngestStageCounters(string Stage, long RowsIn, long RowsOut);
