using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Trawl.Store.Storage;

/// <summary>
/// Read-only connections to meta.db, reused across calls and threads. A connection is used by one caller
/// at a time (rented, then returned); the pool keeps a few idle ones and closes the rest.
/// </summary>
internal sealed class ReadConnectionPool : IDisposable
{
    private const int MaxIdle = 16;

    private readonly string _connectionString;
    private readonly ConcurrentBag<SqliteConnection> _idle = [];
    private int _idleCount;
    private volatile bool _disposed;

    public ReadConnectionPool(string metaDb)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = metaDb,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString();
    }

    public SqliteConnection Rent()
    {
        if (_idle.TryTake(out var conn))
        {
            Interlocked.Decrement(ref _idleCount);
            return conn;
        }
        conn = new SqliteConnection(_connectionString);
        conn.Open();
        // Views and user SQL may call Trawl's functions (domain, json_list...).
        Sql.TrawlFunctions.Register(conn);
        // Belt and braces on top of the read-only open mode: no ATTACH of other files from any connection.
        SQLitePCL.raw.sqlite3_limit(conn.Handle, SQLitePCL.raw.SQLITE_LIMIT_ATTACHED, 0);
        Sql.ArrayFunctions.Register(conn);
        return conn;
    }

    public void Return(SqliteConnection conn)
    {
        if (_disposed || Interlocked.Increment(ref _idleCount) > MaxIdle)
        {
            if (!_disposed)
                Interlocked.Decrement(ref _idleCount);
            conn.Dispose();
            return;
        }
        _idle.Add(conn);
    }

    /// <summary>Closes idle connections (after meta.db was replaced by an ingest, or on dispose).</summary>
    public void Clear()
    {
        while (_idle.TryTake(out var conn))
        {
            Interlocked.Decrement(ref _idleCount);
            conn.Dispose();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        Clear();
    }
}
