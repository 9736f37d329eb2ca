namespace Trawl.ClickHouse.Push;

/// <summary>What a push did.</summary>
/// <param name="Table">The table queries go to (the Distributed table on a cluster).</param>
/// <param name="LocalTable">The MergeTree table on each host of the cluster, or null without one.</param>
/// <param name="Columns">The table's columns as created.</param>
/// <param name="RowsPushed">Rows sent by this run.</param>
/// <param name="RowsAlreadyThere">Rows an earlier run had pushed (skipped).</param>
/// <param name="RowsInTable">count() of the table after the push: equals the dataset's rows.</param>
/// <param name="BytesSent">RowBinary bytes sent by this run.</param>
/// <param name="Elapsed">Wall time of this run.</param>
/// <param name="TextIndexed">The columns the table is declared with a full-text index on (<see cref="Sql.TextIndex"/>); a table that existed before the push keeps the indexes it had.</param>
public sealed record PushReport(
    string Table,
    string? LocalTable,
    IReadOnlyList<Engines.ColumnSpec> Columns,
    long RowsPushed,
    long RowsAlreadyThere,
    long RowsInTable,
    long BytesSent,
    TimeSpan Elapsed,
    IReadOnlyList<string> TextIndexed);
