using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Trawl.Formats.Tables;
using Trawl.Store.Storage;

namespace Trawl.Store.Datasets;

/// <summary>
/// Every row a query selects, in typed column batches (column 0 the rowid, then the table's columns), read through
/// SQLite's raw API: each value goes from the statement straight into the batch's Int64, Double or byte lane, so a
/// long export makes no object per row or per value; the calls go straight to SQLite under the connection's mutex, held
/// per batch (<see cref="SqliteColumnAccess"/>). Holds a pooled read connection until disposed.
/// </summary>
internal sealed class RowBatchReader : IDisposable
{
    private readonly ReadConnectionPool _pool;
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _stmt;
    private readonly Func<SqliteException, Exception> _translate;
    private bool _done;
    private bool _disposed;

    public RowBatchReader(ReadConnectionPool pool, SqliteConnection connection, sqlite3_stmt stmt, int columnCount, Func<SqliteException, Exception> translate)
    {
        _pool = pool;
        _connection = connection;
        _stmt = stmt;
        ColumnCount = columnCount;
        _translate = translate;
    }

    /// <summary>Columns of every batch: the rowid, then the table's columns in order.</summary>
    public int ColumnCount { get; }

    /// <summary>Clears <paramref name="batch"/> and fills it with up to <paramref name="maxRows"/> rows; false when none were left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Read(ColumnBatch batch, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (batch.Columns.Length != ColumnCount)
            throw new ArgumentException($"the batch has {batch.Columns.Length} columns; the query gives {ColumnCount}", nameof(batch));
        batch.Clear();
        if (_done) return false;
        var columns = batch.Columns;
        // The fields keep the handles alive while we read through them.
        nint stmt = _stmt.DangerousGetHandle();
        nint mutex = SqliteColumnAccess.EnterConnection(_connection.Handle!.DangerousGetHandle());
        int n = 0;
        try
        {
            while (n < maxRows)
            {
                int rc = SqliteColumnAccess.sqlite3_step(stmt);
                if (rc == raw.SQLITE_DONE)
                {
                    _done = true;
                    break;
                }
                if (rc != raw.SQLITE_ROW)
                {
                    _done = true;
                    throw _translate(new SqliteException($"SQLite Error {rc}: '{RawSql.ErrorMessage(_connection.Handle!)}'.", rc));
                }
                for (int c = 0; c < columns.Length; c++)
                {
                    var lane = columns[c];
                    nint value = SqliteColumnAccess.sqlite3_column_value(stmt, c);
                    switch (SqliteColumnAccess.sqlite3_value_type(value))
                    {
                        case raw.SQLITE_INTEGER: lane.AppendInt64(SqliteColumnAccess.sqlite3_value_int64(value)); break;
                        case raw.SQLITE_FLOAT: lane.AppendDouble(SqliteColumnAccess.sqlite3_value_double(value)); break;
                        case raw.SQLITE_TEXT: lane.AppendText(SqliteColumnAccess.Bytes(value)); break;
                        case raw.SQLITE_BLOB: lane.AppendBinary(SqliteColumnAccess.Bytes(value)); break;
                        default: lane.AppendNull(); break;
                    }
                }
                n++;
            }
        }
        finally
        {
            SqliteColumnAccess.LeaveConnection(mutex);
        }
        batch.RowCount = n;
        return n > 0;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stmt.Dispose();
        _pool.Return(_connection);
    }
}
