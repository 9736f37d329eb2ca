namespace Trawl.ClickHouse.Push;

/// <summary>How far a push is: rows (and bytes of RowBinary) sent, rows found already pushed by an earlier run.</summary>
public sealed record PushProgress(long RowsDone, long RowsTotal, long BytesSent, long RowsSkipped, string Stage);
