using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.FullText;

/// <summary>
/// A second FTS5 index filled on its own thread and its own connection, so a new table's full-text index is built
/// on two cores: the ingest hands runs of rows here while the worker has room for them and indexes the rest itself,
/// so each side takes what it can and neither waits for the other. The side index lives in an anonymous temporary
/// database (SQLite deletes its file as it opens it, so nothing is left behind by a crash), and at the end
/// <see cref="MergeInto"/> moves its segments into the table's index (<see cref="FtsSegmentCopy"/>), inside the
/// ingest's transaction. Both indexes are built with automerge off, so neither has a merge in progress then.
/// </summary>
internal sealed class FtsSideIndex : IDisposable
{
    private const string Table = "side";
    // A run's size: small enough that the last one hardly delays the end, large enough that handing over is rare.
    public const long RunBytes = 4 << 20;
    // Below this much search text one thread is as fast (the side's start and merge cost more than they save).
    public const long DefaultFromBytes = 16 << 20;

    /// <summary>A second core to build on.</summary>
    public static bool Possible => Environment.ProcessorCount >= 2;
    private const int Runs = 3;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insert;
    private readonly SqlType[] _types;
    private readonly BlockingCollection<FtsSideRows> _free = new();
    private readonly BlockingCollection<FtsSideRows> _full = new();
    private readonly Thread _worker;
    private volatile Exception? _error;
    private volatile bool _disposing;
    private bool _finished;

    /// <param name="columns">the table's search columns, in its index's order, and their types</param>
    /// <param name="hashSize">FTS5's <c>hashsize</c>, as the table's index has it</param>
    public FtsSideIndex(IReadOnlyList<(string Name, SqlType Type)> columns, long hashSize)
    {
        _types = columns.Select(c => c.Type).ToArray();
        int rc = raw.sqlite3_open_v2("", out _db, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE, null);
        if (rc != raw.SQLITE_OK)
            throw new SqliteException($"SQLite error {rc} opening a temporary database for the full-text index", rc);
        try
        {
            string cols = string.Join(", ", columns.Select(c => SqlNames.Quote(c.Name)));
            RawSql.Execute(_db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY");
            RawSql.Execute(_db, $"CREATE VIRTUAL TABLE {Table} USING fts5({cols}, content='', tokenize='{FtsIndexOptions.Tokenizer}')");
            RawSql.Execute(_db, $"INSERT INTO {Table} ({Table}, rank) VALUES ('hashsize', {hashSize})");
            RawSql.Execute(_db, $"INSERT INTO {Table} ({Table}, rank) VALUES ('automerge', 0)");
            RawSql.Execute(_db, "BEGIN");
            string parameters = string.Join(", ", columns.Select((_, i) => "?" + (i + 2)));
            _insert = RawSql.Prepare(_db, $"INSERT INTO {Table} (rowid, {cols}) VALUES (?1, {parameters})");
        }
        catch
        {
            raw.sqlite3_close_v2(_db);
            throw;
        }
        for (int i = 0; i < Runs; i++)
            _free.Add(new FtsSideRows(columns.Count));
        _worker = new Thread(Work) { IsBackground = true, Name = "trawl-fts-side" };
        _worker.Start();
    }

    /// <summary>Rows indexed here so far (read after <see cref="Finish"/>).</summary>
    public long Rows { get; private set; }

    /// <summary>An empty run to fill, or null when the worker holds them all (the caller indexes the row itself).</summary>
    public FtsSideRows? TryTake()
    {
        ThrowIfFailed();
        return _free.TryTake(out var rows) ? rows : null;
    }

    public void Submit(FtsSideRows rows)
    {
        ThrowIfFailed();
        if (rows.Count == 0)
            _free.Add(rows);
        else
            _full.Add(rows);
    }

    /// <summary>Tells the worker no more rows come: it indexes what it holds and writes its last segment (its
    /// commit), while the caller goes on (e.g. writing the table index's own last segment).</summary>
    public void CompleteAdding()
    {
        if (!_full.IsAddingCompleted)
            _full.CompleteAdding();
    }

    /// <summary>Waits for the worker to index what it was given and write its last segment.</summary>
    public void Finish()
    {
        if (_finished)
            return;
        CompleteAdding();
        _worker.Join();
        _finished = true;
        ThrowIfFailed();
    }

    /// <summary>Moves the side index into <paramref name="fts"/> of <paramref name="db"/>: the table index's pending
    /// terms are written while the worker writes its own last segment, then the side's segments are copied.</summary>
    public void MergeInto(sqlite3 db, string fts, CancellationToken cancel)
    {
        CompleteAdding();
        FtsSegmentCopy.Flush(db);
        Finish();
        FtsSegmentCopy.Append(db, fts, _db, Table, cancel);
    }

    private void Work()
    {
        try
        {
            foreach (var rows in _full.GetConsumingEnumerable())
            {
                if (_error is null)
                    Index(rows);
                rows.Clear();
                _free.Add(rows);
            }
            if (_error is null && !_disposing)
                RawSql.Execute(_db, "COMMIT");
        }
        catch (Exception e)
        {
            _error = e;
        }
    }

    private void Index(FtsSideRows rows)
    {
        try
        {
            for (int r = 0; r < rows.Count; r++)
            {
                raw.sqlite3_bind_int64(_insert, 1, rows.Rowids[r]);
                for (int i = 0; i < _types.Length; i++)
                    CellValue.Bind(_insert, i + 2, rows.Values[i], r, _types[i]);
                int rc = raw.sqlite3_step(_insert);
                raw.sqlite3_reset(_insert);
                if (rc != raw.SQLITE_DONE)
                    throw new SqliteException($"SQLite error {rc} adding a row to the full-text index: {RawSql.ErrorMessage(_db)}", rc);
            }
            Rows += rows.Count;
            IngestPausePoint.Reach(IngestPausePoint.FtsSide);
            IngestFaultPoint.Reach(IngestPausePoint.FtsSide);
        }
        catch (Exception e)
        {
            _error = e;
        }
    }

    private void ThrowIfFailed()
    {
        if (_error is { } e)
            throw new IOException("building the full-text index on a second thread failed: " + e.Message, e);
    }

    public void Dispose()
    {
        _disposing = true;
        CompleteAdding();
        _worker.Join();
        _insert.Dispose();
        // Closing discards the temporary database and its file.
        raw.sqlite3_close_v2(_db);
        _free.Dispose();
        _full.Dispose();
    }
}
