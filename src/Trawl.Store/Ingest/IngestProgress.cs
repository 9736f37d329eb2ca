namespace Trawl.Store.Ingest;

/// <summary>A progress report during ingest.</summary>
/// <param name="Phase">"read" while loading rows, "index" while building full-text search, "stats" at the end.</param>
public sealed record IngestProgress(string Phase, string Source, long BytesRead, long BytesTotal, long RowsRead);
