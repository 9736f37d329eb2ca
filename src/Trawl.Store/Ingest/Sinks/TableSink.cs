using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Trawl.Formats.Tables;
using Trawl.Store.Datasets;
using Trawl.Store.FullText;
using Trawl.Store.Ingest.Pipeline;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Ingest.Sinks;

/// <summary>
/// Writes the kept rows into the table through one prepared INSERT per source, bound straight from the batch's
/// lanes with the raw SQLitePCL API (<see cref="CellValue"/>: no allocation per row), and counts each column's
/// values while doing so (<see cref="ValueCounter"/>, capped at 1,000 distinct) for the facet statistics. A new
/// table's FTS index is filled row by row beside the rows (so its tokenizing runs while the reader thread parses the
/// next batch, instead of in a 'rebuild' after the last row), and past <see cref="IngestPlan.ParallelIndexFromBytes"/>
/// of text on two cores: runs of rows go to a side index on a second thread whenever it has room
/// (<see cref="FtsSideIndex"/>), merged into the table's index on <see cref="Complete"/>; an append adds its rows to the index on
/// <see cref="Complete"/>, then come the bookkeeping, the facet statistics (merged with the stored ones on an append)
/// and the --index indexes. Everything goes into the caller's SQLite transaction.
/// </summary>
internal sealed class TableSink : IIngestSink
{
    private readonly SqliteConnection _conn;
    private readonly sqlite3 _db;
    private readonly TableTarget _target;
    private readonly IngestPlan _plan;
    private readonly Action<IngestPhase> _phase;
    private readonly CancellationToken _cancel;
    // Values per column, counted while loading (capped at 1,000 distinct), so facet statistics and whole-table
    // facet counts need no extra scans of the table; on --append merged with the counts stored before.
    private readonly Dictionary<string, ValueCounter> _counters = new(StringComparer.OrdinalIgnoreCase);
    private sqlite3_stmt? _insert;
    // A new table's index, filled beside the rows: its INSERT and, per search column, the bound lane (or -1: NULL).
    private sqlite3_stmt? _ftsInsert;
    private int[] _ftsBound = [];
    private bool _ftsFilledHere;
    // The two-core build: automerge is off while it may run; the side index once started, and the run being filled.
    private bool _ftsParallel;
    private long _ftsBytes;
    private FtsSideIndex? _side;
    private FtsSideRows? _sideRows;
    private BoundColumn[] _bound = [];
    // The batch's lanes and types in bound order, resolved once per batch rather than per row.
    private ColumnValues[] _lanes = [];
    private SqlType[] _types = [];
    private ValueCounter?[] _sourceCounters = [];
    private long _nextRowid;
    private long _keptInSource;
    private bool _started;

    /// <param name="phase">told when a long step starts (the full-text index, the statistics)</param>
    public TableSink(SqliteConnection conn, TableTarget target, IngestPlan plan, Action<IngestPhase> phase, CancellationToken cancel)
    {
        _conn = conn;
        _db = conn.Handle!;
        _target = target;
        _plan = plan;
        _phase = phase;
        _cancel = cancel;
    }

    public string Name => "table";
    public long RowsWritten { get; private set; }

    /// <summary>Rows the side index took (indexed on the second thread).</summary>
    public long FullTextSecondThreadRows { get; private set; }

    public void BeginSource(IngestSource source)
    {
        if (!_started)
        {
            // Known only now: the first source creates a new table.
            _nextRowid = _target.FirstNewRowid;
            _started = true;
        }
        _bound = source.Bound.ToArray();
        var sql = new StringBuilder($"INSERT INTO {SqlNames.Quote(_target.Name)} (\"rowid\"");
        foreach (var b in _bound)
            sql.Append(", ").Append(SqlNames.Quote(b.Column.Name));
        sql.Append(") VALUES (?1");
        for (int i = 0; i < _bound.Length; i++)
            sql.Append(", ?").Append(i + 2);
        sql.Append(')');
        _insert?.Dispose();
        _insert = RawSql.Prepare(_db, sql.ToString());
        PrepareFtsInsert();
        _sourceCounters = _bound.Select(b => b.Column.Type == SqlType.Blob ? null : Counter(b.Column.Name)).ToArray();
        _keptInSource = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(IngestSource source, IngestBatch batch)
    {
        var insert = _insert!;
        var keep = batch.Keep;
        if (_lanes.Length != _bound.Length)
        {
            _lanes = new ColumnValues[_bound.Length];
            _types = new SqlType[_bound.Length];
        }
        for (int i = 0; i < _bound.Length; i++)
        {
            _lanes[i] = batch.Lane(_bound[i].Lane);
            _types[i] = _bound[i].Column.Type;
        }
        var lanes = _lanes;
        var types = _types;
        for (int r = 0; r < keep.Length; r++)
        {
            if (!keep[r])
                continue;
            raw.sqlite3_bind_int64(insert, 1, _nextRowid);
            for (int i = 0; i < lanes.Length; i++)
                CellValue.Bind(insert, i + 2, lanes[i], r, types[i]);
            for (int i = 0; i < _sourceCounters.Length; i++)
            {
                var counter = _sourceCounters[i];
                if (counter is null || counter.Capped)
                    continue;
                var lane = lanes[i];
                var type = types[i];
                var h = Hash128.Create();
                CellValue.Hash(ref h, lane, r, type);
                var key = h.Finish();
                if (!counter.TryIncrement(key))
                    counter.Add(key, CellValue.Materialize(lane, r, type), 1);
            }
            int rc = raw.sqlite3_step(insert);
            if (rc != raw.SQLITE_DONE)
                ThrowInsertError(rc, source, batch, r);
            raw.sqlite3_reset(insert);
            if (_ftsInsert is { } fts)
            {
                if (_side is not null && (_sideRows ??= _side.TryTake()) is { } run)
                {
                    run.Add(_nextRowid, lanes, _ftsBound, r);
                    if (run.Bytes >= FtsSideIndex.RunBytes)
                    {
                        _side.Submit(run);
                        _sideRows = null;
                    }
                }
                else
                {
                    IndexRow(fts, lanes, types, r);
                }
            }
            _nextRowid++;
            RowsWritten++;
            _keptInSource++;
        }
    }

    public void EndSource(IngestSource source, long rowsRead)
    {
        // Columns this source lacks were stored as NULL.
        foreach (var c in _target.Columns)
        {
            if (c.Type != SqlType.Blob && !_bound.Any(b => b.Column == c))
                Counter(c.Name).Add(NullHash(), null, _keptInSource);
        }
        Bookkeeping.AddSource(_conn, _target.Name, source.Path, _keptInSource);
        _insert?.Dispose();
        _insert = null;
        _ftsInsert?.Dispose();
        _ftsInsert = null;
    }

    /// <summary>For a new table with search columns: creates its FTS index (on the first source) and prepares the
    /// row-by-row INSERT for this source's columns.</summary>
    private void PrepareFtsInsert()
    {
        _ftsInsert?.Dispose();
        _ftsInsert = null;
        if (_target.SearchColumns.Count == 0 || (_target.FtsTable is not null && !_ftsFilledHere))
            return;
        string fts = SqlNames.Quote(_target.FtsTable ?? _target.Name + "_fts");
        if (!_ftsFilledHere)
        {
            _target.FtsTable = _target.Name + "_fts";
            _ftsFilledHere = true;
            string cols = string.Join(", ", _target.SearchColumns.Select(SqlNames.Quote));
            RawSql.Execute(_db, $"DROP TABLE IF EXISTS {fts}");
            // content="TABLE" in double quotes is what Datasette and sqlite-utils look for to find a table's FTS index.
            RawSql.Execute(_db, $"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content={SqlNames.Quote(_target.Name)}, content_rowid=\"rowid\", tokenize='{FtsIndexOptions.Tokenizer}')");
            RawSql.Execute(_db, $"INSERT INTO {fts} ({fts}, rank) VALUES ('hashsize', {FtsIndexOptions.HashSize})");
            // Segments can only move into an index with no merge in progress: merges stay off until the side index is in.
            _ftsParallel = _plan.ParallelIndexFromBytes >= 0 && FtsSideIndex.Possible;
            if (_ftsParallel)
                RawSql.Execute(_db, $"INSERT INTO {fts} ({fts}, rank) VALUES ('automerge', 0)");
        }
        _ftsBound = _target.SearchColumns.Select(c => Array.FindIndex(_bound, b => b.Column.Name.Equals(c, StringComparison.OrdinalIgnoreCase))).ToArray();
        var sql = new StringBuilder($"INSERT INTO {fts} (rowid");
        foreach (string c in _target.SearchColumns)
            sql.Append(", ").Append(SqlNames.Quote(c));
        sql.Append(") VALUES (?1");
        for (int i = 0; i < _ftsBound.Length; i++)
            sql.Append(", ?").Append(i + 2);
        sql.Append(')');
        _ftsInsert = RawSql.Prepare(_db, sql.ToString());
    }

    /// <summary>Adds the row just stored to the index, from the same lanes (the values the table got).</summary>
    private void IndexRow(sqlite3_stmt fts, ColumnValues[] lanes, SqlType[] types, int r)
    {
        raw.sqlite3_bind_int64(fts, 1, _nextRowid);
        for (int i = 0; i < _ftsBound.Length; i++)
        {
            int b = _ftsBound[i];
            if (b < 0)
                raw.sqlite3_bind_null(fts, i + 2);
            else
                CellValue.Bind(fts, i + 2, lanes[b], r, types[b]);
        }
        int rc = raw.sqlite3_step(fts);
        if (rc != raw.SQLITE_DONE)
            throw new SqliteException($"SQLite error {rc} adding a row to the full-text index: {RawSql.ErrorMessage(_db)}", rc);
        raw.sqlite3_reset(fts);
        if (_ftsParallel && _side is null)
        {
            for (int i = 0; i < _ftsBound.Length; i++)
            {
                if (_ftsBound[i] >= 0)
                    _ftsBytes += lanes[_ftsBound[i]].BytesAt(r).Length;
            }
            if (_ftsBytes >= _plan.ParallelIndexFromBytes)
                _side = new FtsSideIndex(_target.SearchColumns.Select(c => (c, _target.FindColumn(c)!.Type)).ToList(), FtsIndexOptions.HashSize);
        }
    }

    /// <summary>A new table's index built on two cores: the side index's rows join the table's index; then merges are
    /// back on, as FTS5 has them by default.</summary>
    private void FinishParallelIndex()
    {
        string fts = SqlNames.Quote(_target.FtsTable!);
        if (_side is not null)
        {
            if (_sideRows is not null)
                _side.Submit(_sideRows);
            _sideRows = null;
            _side.MergeInto(_db, _target.FtsTable!, _cancel);
            FullTextSecondThreadRows = _side.Rows;
            _side.Dispose();
            _side = null;
        }
        RawSql.Execute(_db, $"INSERT INTO {fts} ({fts}, rank) VALUES ('automerge', {FtsIndexOptions.DefaultAutomerge})");
        _ftsParallel = false;
    }

    public void Complete()
    {
        _cancel.ThrowIfCancellationRequested();
        string t = SqlNames.Quote(_target.Name);
        if (_target.SearchColumns.Count > 0)
        {
            _phase(IngestPhase.FullText);
            string cols = string.Join(", ", _target.SearchColumns.Select(SqlNames.Quote));
            // A new table's index was filled row by row (its pending terms are written by the commit).
            if (_ftsParallel)
                FinishParallelIndex();
            if (!_ftsFilledHere && _target.FtsTable is not null && _nextRowid > _target.FirstNewRowid)
            {
                // An append adds only its own rows to the index, in the same transaction as the rows.
                RawSql.Execute(_db, $"INSERT INTO {SqlNames.Quote(_target.FtsTable)} (rowid, {cols}) SELECT rowid, {cols} FROM {t} WHERE rowid >= {_target.FirstNewRowid}");
            }
        }
        _cancel.ThrowIfCancellationRequested();
        IngestPausePoint.Reach(IngestPausePoint.Fts);

        _phase(IngestPhase.Statistics);
        // Counted, not scanned: a count(*) would read every page of a large table to append a few rows.
        long rowCount = _target.RowsBefore + RowsWritten;
        var info = new TableInfo(_target.Name, rowCount, _target.Columns.Select(c => c.ToInfo()).ToList(), _target.SearchColumns, _target.FtsTable, _target.PrimaryKey);
        Bookkeeping.WriteTable(_conn, info);
        WriteFacetStats();
        foreach (string column in _plan.IndexColumns)
        {
            var c = _target.FindColumn(column) ?? throw new UserErrorException($"--index: no column '{column}' (columns: {_target.ColumnList()})");
            RawSql.Execute(_db, $"CREATE INDEX IF NOT EXISTS {SqlNames.Quote("idx_" + _target.Name + "_" + c.Name)} ON {t} ({SqlNames.Quote(c.Name)})");
        }
    }

    public void Publish()
    {
        // The rows, the FTS index and the bookkeeping became visible with the SQLite commit.
    }

    public void Dispose()
    {
        _side?.Dispose();
        _side = null;
        _insert?.Dispose();
        _insert = null;
        _ftsInsert?.Dispose();
        _ftsInsert = null;
    }

    /// <summary>Distinct counts per column (capped) and, for columns with few values, every value's count: the
    /// whole-table facets, answered without a scan. On --append the counts stored before are merged in.</summary>
    private void WriteFacetStats()
    {
        var before = Bookkeeping.ReadFacetStats(_conn, _target.Name).ToDictionary(x => x.Column, x => x, StringComparer.OrdinalIgnoreCase);
        foreach (var c in _target.Columns)
        {
            _cancel.ThrowIfCancellationRequested();
            if (c.Type == SqlType.Blob)
                continue;
            var counter = Counter(c.Name);
            if (_target.RowsBefore > 0)
            {
                if (!before.TryGetValue(c.Name, out var old))
                    counter.Add(NullHash(), null, _target.RowsBefore); // a column added now: NULL in the earlier rows
                else if (old.Capped)
                    counter.GiveUp();
                else
                    MergeStoredCounts(c.Name, counter);
            }
            Bookkeeping.WriteFacetStat(_conn, _target.Name, c.Name, Math.Min(counter.Distinct, ValueCounter.Cap), counter.Capped);
            Bookkeeping.WriteFacetValues(_conn, _target.Name, c.Name, counter.Entries.Select(e => (e.Value, e.Count)));
        }
    }

    private void MergeStoredCounts(string column, ValueCounter counter)
    {
        using var stmt = RawSql.Prepare(_db, """SELECT value, count FROM _trawl_facet_values WHERE "table" = ?1 AND "column" = ?2""");
        raw.sqlite3_bind_text(stmt, 1, _target.Name);
        raw.sqlite3_bind_text(stmt, 2, column);
        while (raw.sqlite3_step(stmt) == raw.SQLITE_ROW && !counter.Capped)
        {
            var h = Hash128.Create();
            CellValue.HashStored(ref h, stmt, 0);
            counter.Add(h.Finish(), RawSql.ColumnValue(stmt, 0), raw.sqlite3_column_int64(stmt, 1));
        }
    }

    private ValueCounter Counter(string column)
    {
        if (!_counters.TryGetValue(column, out var counter))
            _counters[column] = counter = new ValueCounter();
        return counter;
    }

    private static UInt128 NullHash()
    {
        var h = Hash128.Create();
        h.AddByte((byte)StoredKind.Null);
        return h.Finish();
    }

    private void ThrowInsertError(int rc, IngestSource source, IngestBatch batch, int row)
    {
        string message = RawSql.ErrorMessage(_db);
        var lines = batch.Source.SourceLines;
        string where = lines.Count > row ? $"line {lines[row]}" : $"row {batch.FirstSourceRow + row + 1}";
        string? pk = _target.PrimaryKey;
        if ((rc & 0xFF) == raw.SQLITE_CONSTRAINT && pk is not null)
        {
            int s = TableTarget.SourceIndex(source.Schema, pk);
            object? value = s >= 0 ? batch.Source[s].ValueAt(row) : null;
            long? earlier = null;
            using (var cmd = _conn.CreateCommand())
            {
                cmd.CommandText = $"SELECT rowid FROM {SqlNames.Quote(_target.Name)} WHERE {SqlNames.Quote(pk)} = $v";
                cmd.Parameters.AddWithValue("$v", NormalizeKey(value, _target.FindColumn(pk)!.Type));
                if (cmd.ExecuteScalar() is long id)
                    earlier = id;
            }
            throw new UserErrorException($"{source.Path} ({where}): duplicate value '{value}' in primary key column '{pk}'" +
                (earlier is null ? "" : $" (already in the row with rowid {earlier})"));
        }
        throw new UserErrorException($"{source.Path} ({where}): could not store the row: {message}");
    }

    private static object NormalizeKey(object? value, SqlType type)
    {
        if (value is string s && type == SqlType.Integer && long.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long l))
            return l;
        return value ?? DBNull.Value;
    }
}
