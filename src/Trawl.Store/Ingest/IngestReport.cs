namespace Trawl.Store.Ingest;

/// <summary>What an ingest did.</summary>
public sealed record IngestReport(
    string Table,
    long RowsRead,
    long RowsKept,
    long RowsFiltered,
    long Duplicates,
    IReadOnlyList<string> ColumnsAdded,
    TimeSpan Elapsed);
