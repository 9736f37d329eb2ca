namespace Trawl.ClickHouse.Engines;

/// <summary>
/// Somewhere ClickHouse SQL runs: a server over its HTTP interface, or chDB in this process. Generated statements
/// go through <see cref="Sql.SqlDialect"/> (chosen by <see cref="Version"/>), so the same code serves both.
/// </summary>
public interface IClickHouseEngine : IDisposable
{
    /// <summary>The engine's <c>SELECT version()</c>, read once when it was opened.</summary>
    ClickHouseVersion Version { get; }

    /// <summary>The database statements run in (unqualified table names resolve there).</summary>
    string Database { get; }

    /// <summary>Where it is, for messages: a clickhouse:// URI without the password, or "chDB".</summary>
    string Location { get; }

    /// <summary>Runs a statement that returns rows; the rows come back typed by the column types the engine names.</summary>
    QueryResult Query(string sql, QuerySettings? settings = null, CancellationToken cancel = default);

    /// <summary>Runs a statement whose output is not wanted (DDL, ALTER, INSERT ... SELECT).</summary>
    void Execute(string sql, QuerySettings? settings = null, CancellationToken cancel = default);

    /// <summary>Inserts rows that <paramref name="write"/> encodes in RowBinary for exactly <paramref name="columns"/>, in order.</summary>
    /// <param name="table">The table, already quoted (and qualified if needed).</param>
    void InsertRowBinary(string table, IReadOnlyList<ColumnSpec> columns, Action<Stream> write, QuerySettings? settings = null, CancellationToken cancel = default);
}
