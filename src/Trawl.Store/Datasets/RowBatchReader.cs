using Microsoft.Data.Sqlite;
using SQLitePCL;
using Trawl.Formats.Tables;
using Trawl.Store.Storage;

namespace Trawl.Store.Datasets;

/// <summary>
/// Every row a query selects, in typed column batches (column 0 the rowid, then the table's columns), read through
/// SQLite's raw API: each value goes from the statement straight into the batch's Int64, Double or byte lane, so a
/// long export makes no object per row or per value. Holds a pooled read connection until disposed.
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
    public bool Read(ColumnBatch batch, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (batch.Columns.Length != ColumnCount)
            throw new ArgumentException($"the batch has {batch.Columns.Length} columns; the query gives {ColumnCount}", nameof(batch));
        batch.Clear();
        if (_done) return false;
        var columns = batch.Columns;
        int n = 0;
        while (n < maxRows)
        {
            int rc = raw.sqlite3_step(_stmt);
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
                switch (raw.sqlite3_column_type(_stmt, c))
                {
                    case raw.SQLITE_INTEGER: lane.AppendInt64(raw.sqlite3_column_int64(_stmt, c)); break;
                    case raw.SQLITE_FLOAT: lane.AppendDouble(raw.sqlite3_column_double(_stmt, c)); break;
                    // sqlite3_column_blob on a TEXT value gives its UTF-8 bytes as stored (the database is UTF-8).
                    case raw.SQLITE_TEXT: lane.AppendText(raw.sqlite3_column_blob(_stmt, c)); break;
                    case raw.SQLITE_BLOB: lane.AppendBinary(raw.sqlite3_column_blob(_stmt, c)); break;
                    default: lane.AppendNull(); break;
                }
            }
            n++;
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
