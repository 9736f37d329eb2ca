using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Trawl.Formats.Tables;
using Trawl.Store.Datasets;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Ingest;

/// <summary>
/// Loads the sources of one <see cref="IngestRequest"/> into one table of an open (temporary) database:
/// creates or extends the table, streams batches through the --where filter, derived columns and dedupe
/// into a prepared INSERT bound straight from the batch's spans, then builds full-text search,
/// counts and facet statistics. Everything runs in one transaction on a database nobody else sees.
/// </summary>
internal sealed class TableLoader
{
    private const int FtsHashSize = 64 << 20;
    private static readonly string[] CaptionNames = ["caption", "text", "description"];

    private readonly SqliteConnection _conn;
    private readonly sqlite3 _db;
    private readonly IngestRequest _request;
    private readonly IProgress<IngestProgress>? _progress;
    private readonly CancellationToken _cancel;
    private readonly IKeptRowSink? _sink;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _columnsAdded = [];

    private string _table = "";
    private List<TargetColumn> _columns = [];
    private List<string> _searchColumns = [];
    private string? _primaryKey;
    private string? _ftsTable;
    private bool _tableReady;
    private long _nextRowid;
    private long _firstNewRowid;
    private HashSet<UInt128>? _seen;
    // Values per column, counted while loading (capped at 1,000 distinct), so facet statistics and whole-table
    // facet counts need no extra scans of the table; on --append merged with the counts stored before.
    private readonly Dictionary<string, ValueCounter> _counters = new(StringComparer.OrdinalIgnoreCase);
    private long _rowsBefore;
    private long _rowsRead, _rowsKept, _rowsFiltered, _duplicates;
    private int _skippedSources;
    private long _lastProgressTicks = -1;
    private byte[] _scratch = new byte[256];

    /// <param name="sink">told which source rows were kept (after --where and --dedupe), in table order; null for none</param>
    public TableLoader(SqliteConnection conn, IngestRequest request, IProgress<IngestProgress>? progress, CancellationToken cancel, IKeptRowSink? sink = null)
    {
        _sink = sink;
        _conn = conn;
        _db = conn.Handle!;
        _request = request;
        _progress = progress;
        _cancel = cancel;
    }

    public IngestReport Run()
    {
        _table = _request.Table is { Length: > 0 } t ? ValidateTableName(t)
            : _request.Vectors.Count > 0 ? PartPairing.StripPartNumber(TableNameFromFile(_request.Sources[0]))
            : TableNameFromFile(_request.Sources[0]);
        // Cancellation also stops long single statements (the FTS build, index builds) within milliseconds.
        raw.sqlite3_progress_handler(_db, 10_000, _ => _cancel.IsCancellationRequested ? 1 : 0, null);
        try
        {
            RawSql.Execute(_db, "BEGIN");
            PrepareTarget();
            _sink?.Start(_table, _tableReady ? _nextRowid : 0, _request.Mode == IngestMode.Replace);
            for (int i = 0; i < _request.Sources.Count; i++)
            {
                string source = _request.Sources[i];
                // In a part ingest (--vectors), parts already in the table (same size and fingerprint) are skipped, so
                // re-running it with more parts loads only the new ones. (A plain --append of a file adds its rows again.)
                if (_tableReady && _request.Vectors.Count > 0 && _request.Mode != IngestMode.Replace && Bookkeeping.HasSource(_conn, _table, source))
                {
                    _skippedSources++;
                    continue;
                }
                LoadSource(source, i);
            }
            if (!_tableReady)
                throw new UserErrorException("no sources to ingest");
            Finish();
            RawSql.Execute(_db, "COMMIT");
        }
        catch (SqliteException e) when (_cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException("the ingest was cancelled", e, _cancel);
        }
        finally
        {
            raw.sqlite3_progress_handler(_db, 0, null, null);
        }
        return new IngestReport(_table, _rowsRead, _rowsKept, _rowsFiltered, _duplicates, _columnsAdded, _clock.Elapsed) { SkippedSources = _skippedSources };
    }

    // ---- table set-up -------------------------------------------------------------------------

    private void PrepareTarget()
    {
        var existing = Bookkeeping.ReadTables(_conn).FirstOrDefault(x => x.Name.Equals(_table, StringComparison.OrdinalIgnoreCase));
        bool inSchema = RawSql.ScalarInt64(_conn, $"SELECT count(*) FROM sqlite_master WHERE lower(name) = lower({SqlNames.Literal(_table)})") > 0;
        if (existing is null && inSchema)
        {
            if (_request.Mode != IngestMode.Replace)
                throw new UserErrorException($"the dataset already has a table or index named '{_table}' that Trawl did not create; choose another --table or use --replace");
            RawSql.Execute(_db, $"DROP TABLE IF EXISTS {SqlNames.Quote(_table)}");
        }
        if (existing is null)
        {
            return;
        }
        _table = existing.Name;
        switch (_request.Mode)
        {
            case IngestMode.Create:
                // Re-running a part ingest (--vectors) with more parts continues it: the parts it holds are skipped.
                if (_request.Vectors.Count > 0 && _request.Sources.Any(s => Bookkeeping.HasSource(_conn, existing.Name, s)))
                    break;
                throw new UserErrorException($"table '{_table}' already exists in this dataset; use --append to add rows to it or --replace to load it afresh");
            case IngestMode.Replace:
                if (existing.FtsTable is not null)
                    RawSql.Execute(_db, $"DROP TABLE IF EXISTS {SqlNames.Quote(existing.FtsTable)}");
                RawSql.Execute(_db, $"DROP TABLE IF EXISTS {SqlNames.Quote(_table)}");
                Bookkeeping.DeleteTable(_conn, _table);
                return;
        }

        // Append: keep the table's columns, search settings and key.
        var types = ReadDeclaredTypes(_table);
        _columns = existing.Columns.Select(c => new TargetColumn(c.Name, types.GetValueOrDefault(c.Name, c.SqlType), c.Role)).ToList();
        _searchColumns = existing.SearchColumns.ToList();
        _ftsTable = existing.FtsTable;
        _primaryKey = existing.PrimaryKey;
        if (_request.PrimaryKey is not null && !string.Equals(_request.PrimaryKey, _primaryKey, StringComparison.OrdinalIgnoreCase))
            throw new UserErrorException($"table '{_table}' has primary key {(_primaryKey is null ? "none" : "'" + _primaryKey + "'")}; --pk cannot change it when appending (use --replace)");
        if (_request.SearchColumns is not null && !_request.SearchColumns.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(_searchColumns.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase))
            throw new UserErrorException($"table '{_table}' searches [{string.Join(", ", _searchColumns)}]; the search columns cannot change when appending (use --replace)");
        _nextRowid = RawSql.ScalarInt64(_conn, $"SELECT coalesce(max(rowid) + 1, 0) FROM {SqlNames.Quote(_table)}");
        _rowsBefore = existing.RowCount;
        _firstNewRowid = _nextRowid;
        _tableReady = true;
        if (_request.DedupeColumns.Count > 0)
            SeedDedupeFromExistingRows();
    }

    private Dictionary<string, SqlType> ReadDeclaredTypes(string table)
    {
        var types = new Dictionary<string, SqlType>(StringComparer.OrdinalIgnoreCase);
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = $"SELECT name, type FROM pragma_table_info({SqlNames.Literal(table)})";
        using var r = cmd.ExecuteReader();
        while (r.Read())
            types[r.GetString(0)] = SqlTypes.Parse(r.GetString(1));
        return types;
    }

    private void CreateTable(TableSchema schema, ColumnBatch first)
    {
        int n = first.RowCount;
        foreach (var c in schema.Columns)
        {
            int i = schema.IndexOf(c.Name);
            var type = TypeInference.Infer(c.Type, first[i], n);
            _columns.Add(new TargetColumn(TargetName(c.Name), type, ColumnRoleGuesser.Guess(c.Name, first[i], n)));
        }
        AddDerivedColumns(schema);

        _searchColumns = ChooseSearchColumns(schema, first);
        if (_searchColumns.Count > 0)
        {
            var caption = FindColumn(_searchColumns[0])!;
            if (caption.Role == ColumnRole.None)
                caption.Role = ColumnRole.Caption;
        }
        if (_request.PrimaryKey is { } pk)
        {
            _primaryKey = FindColumn(pk)?.Name ?? throw new UserErrorException($"--pk: no column '{pk}' in {Path.GetFileName(_request.Sources[0])} (columns: {string.Join(", ", _columns.Select(x => x.Name))})");
        }
        ValidateDedupeColumns();

        var sql = new StringBuilder($"CREATE TABLE {SqlNames.Quote(_table)} (\"rowid\" INTEGER PRIMARY KEY");
        foreach (var c in _columns)
            sql.Append(", ").Append(SqlNames.Quote(c.Name)).Append(' ').Append(SqlTypes.Name(c.Type));
        sql.Append(')');
        RawSql.Execute(_db, sql.ToString());
        if (_primaryKey is not null)
            RawSql.Execute(_db, $"CREATE UNIQUE INDEX {SqlNames.Quote("idx_" + _table + "_" + _primaryKey)} ON {SqlNames.Quote(_table)} ({SqlNames.Quote(_primaryKey)})");
        _tableReady = true;
        _nextRowid = 0;
        _firstNewRowid = 0;
        if (_request.DedupeColumns.Count > 0)
            _seen = [];
    }

    private void AddDerivedColumns(TableSchema schema)
    {
        foreach (var (name, spec) in _request.DeriveDomain)
        {
            string sourceColumn = DomainSource(spec);
            if (schema.IndexOf(sourceColumn) < 0)
                throw new UserErrorException($"--derive-domain {name}: no column '{sourceColumn}' in the source (columns: {string.Join(", ", schema.Columns.Select(c => c.Name))})");
            if (FindColumn(name) is { } known)
            {
                if (!_tableReady)
                    throw new UserErrorException($"--derive-domain {name}: the source already has a column named '{name}'");
                // An existing table's domain column is filled again from this source's URLs.
                known.DomainOf = sourceColumn;
                continue;
            }
            var col = new TargetColumn(TargetName(name), SqlType.Text, ColumnRole.None) { DomainOf = sourceColumn };
            _columns.Add(col);
            if (_tableReady)
            {
                RawSql.Execute(_db, $"ALTER TABLE {SqlNames.Quote(_table)} ADD COLUMN {SqlNames.Quote(col.Name)} TEXT");
                _columnsAdded.Add(col.Name);
            }
        }
    }

    private void AddNewColumns(TableSchema schema, ColumnBatch first)
    {
        foreach (var c in schema.Columns)
        {
            string name = TargetName(c.Name);
            if (FindColumn(name) is not null)
                continue;
            int i = schema.IndexOf(c.Name);
            var col = new TargetColumn(name, TypeInference.Infer(c.Type, first[i], first.RowCount), ColumnRoleGuesser.Guess(c.Name, first[i], first.RowCount));
            RawSql.Execute(_db, $"ALTER TABLE {SqlNames.Quote(_table)} ADD COLUMN {SqlNames.Quote(col.Name)} {SqlTypes.Name(col.Type)}");
            _columns.Add(col);
            _columnsAdded.Add(col.Name);
        }
        AddDerivedColumns(schema);
        ValidateDedupeColumns();
    }

    private void ValidateDedupeColumns()
    {
        foreach (string d in _request.DedupeColumns)
        {
            if (FindColumn(d) is null)
                throw new UserErrorException($"--dedupe: no column '{d}' (columns: {string.Join(", ", _columns.Select(x => x.Name))})");
        }
    }

    private List<string> ChooseSearchColumns(TableSchema schema, ColumnBatch first)
    {
        if (_request.SearchColumns is { } asked)
        {
            var chosen = new List<string>();
            foreach (string s in asked)
            {
                var col = FindColumn(s) ?? throw new UserErrorException($"--search: no column '{s}' (columns: {string.Join(", ", _columns.Select(x => x.Name))})");
                if (col.Type != SqlType.Text)
                    throw new UserErrorException($"--search: column '{col.Name}' holds {SqlTypes.Name(col.Type)} values, not text");
                chosen.Add(col.Name);
            }
            return chosen;
        }
        foreach (string name in CaptionNames)
        {
            var col = _columns.FirstOrDefault(c => c.DomainOf is null && c.Type == SqlType.Text && c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (col is not null)
                return [col.Name];
        }
        // Otherwise the text column with the longest values on average: the one people would want to search.
        string? best = null;
        double bestLength = 0;
        foreach (var c in _columns)
        {
            int i = c.DomainOf is null ? SourceIndex(schema, c.Name) : -1;
            if (i < 0 || c.Type != SqlType.Text || c.Role is ColumnRole.Url or ColumnRole.Image or ColumnRole.Video or ColumnRole.YouTube)
                continue;
            var values = first[i];
            long total = 0;
            int count = 0;
            for (int r = 0; r < first.RowCount; r++)
            {
                if (values.KindAt(r) == ValueKind.Text)
                {
                    total += values.BytesAt(r).Length;
                    count++;
                }
            }
            double avg = count == 0 ? 0 : (double)total / count;
            if (avg > bestLength)
            {
                bestLength = avg;
                best = c.Name;
            }
        }
        return best is null ? [] : [best];
    }

    private void SeedDedupeFromExistingRows()
    {
        _seen = [];
        var cols = _request.DedupeColumns.Select(d => FindColumn(d) ?? throw new UserErrorException($"--dedupe: no column '{d}' in table '{_table}'")).ToList();
        string sql = $"SELECT {string.Join(", ", cols.Select(c => SqlNames.Quote(c.Name)))} FROM {SqlNames.Quote(_table)}";
        using var stmt = RawSql.Prepare(_db, sql);
        while (raw.sqlite3_step(stmt) == raw.SQLITE_ROW)
        {
            var h = Hash128.Create();
            for (int i = 0; i < cols.Count; i++)
                CellValue.HashStored(ref h, stmt, i);
            _seen.Add(h.Finish());
        }
    }

    // ---- loading ------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LoadSource(string path, int sourceIndex)
    {
        _cancel.ThrowIfCancellationRequested();
        var options = new TableReaderOptions { Format = _request.Format, JsonPath = _request.JsonPath, Flatten = _request.Flatten };
        using var reader = TableReaders.Open(path, options);
        var schema = reader.Schema;
        int batchRows = Math.Max(1, _request.BatchRows);
        var batch = new ColumnBatch(schema.Count, batchRows);
        bool has = reader.ReadBatch(batch, batchRows);
        if (!_tableReady)
            CreateTable(schema, batch);
        else
            AddNewColumns(schema, batch);

        // The plan: for each table column, where its values come from in this source.
        var bound = new List<(TargetColumn Column, int Source, bool Domain)>();
        foreach (var c in _columns)
        {
            if (c.DomainOf is not null)
            {
                int s = schema.IndexOf(c.DomainOf);
                if (s >= 0)
                    bound.Add((c, s, true));
            }
            else
            {
                int s = SourceIndex(schema, c.Name);
                if (s >= 0)
                    bound.Add((c, s, false));
            }
        }
        var dedupe = _request.DedupeColumns.Select(d =>
        {
            int k = bound.FindIndex(b => b.Column.Name.Equals(d, StringComparison.OrdinalIgnoreCase));
            return k;
        }).ToArray();

        var insertSql = new StringBuilder($"INSERT INTO {SqlNames.Quote(_table)} (\"rowid\"");
        foreach (var b in bound)
            insertSql.Append(", ").Append(SqlNames.Quote(b.Column.Name));
        insertSql.Append(") VALUES (?1");
        for (int i = 0; i < bound.Count; i++)
            insertSql.Append(", ?").Append(i + 2);
        insertSql.Append(')');

        using var insert = RawSql.Prepare(_db, insertSql.ToString());
        using var where = _request.Where is { Length: > 0 } expr ? new WhereFilter(_db, schema, _columns, expr, TargetName) : null;
        using var prefetch = has ? new BatchPrefetcher(reader, batchRows) : null;
        var keep = new bool[batchRows];
        var counters = new ValueCounter?[bound.Count];
        for (int i = 0; i < bound.Count; i++)
            counters[i] = bound[i].Column.Type == SqlType.Blob ? null : Counter(bound[i].Column.Name);
        long keptBefore = _rowsKept;
        long sourceRowsKept = 0;
        long rowInSource = 0;
        _sink?.BeginSource(sourceIndex, reader.RowCount);

        while (has)
        {
            _cancel.ThrowIfCancellationRequested();
            int n = batch.RowCount;
            if (keep.Length < n)
                keep = new bool[n];
            if (where is not null)
                where.Evaluate(batch, keep);
            else
                Array.Fill(keep, true, 0, n);

            for (int r = 0; r < n; r++)
            {
                if (!keep[r])
                {
                    _rowsFiltered++;
                    continue;
                }
                if (_seen is not null && !IsFirstOccurrence(batch, r, bound, dedupe))
                {
                    _duplicates++;
                    continue;
                }
                raw.sqlite3_bind_int64(insert, 1, _nextRowid);
                for (int i = 0; i < bound.Count; i++)
                {
                    var (col, s, domain) = bound[i];
                    if (domain)
                        BindDomain(insert, i + 2, batch[s], r);
                    else
                        CellValue.Bind(insert, i + 2, batch[s], r, col.Type);
                }
                for (int i = 0; i < counters.Length; i++)
                {
                    var counter = counters[i];
                    if (counter is null || counter.Capped)
                        continue;
                    var (col, s, domain) = bound[i];
                    var h = Hash128.Create();
                    if (domain)
                        CellValue.HashText(ref h, DomainBytes(batch[s], r));
                    else
                        CellValue.Hash(ref h, batch[s], r, col.Type);
                    var key = h.Finish();
                    if (!counter.TryIncrement(key))
                        counter.Add(key, domain ? DomainValue(batch[s], r) : CellValue.Materialize(batch[s], r, col.Type), 1);
                }
                int rc = raw.sqlite3_step(insert);
                if (rc != raw.SQLITE_DONE)
                    ThrowInsertError(rc, path, batch, r, rowInSource + r, schema);
                raw.sqlite3_reset(insert);
                _sink?.Keep(rowInSource + r);
                _nextRowid++;
                _rowsKept++;
                sourceRowsKept++;
            }
            rowInSource += n;
            _rowsRead += n;
            Report("read", path, reader.BytesRead, reader.BytesTotal, force: false);
            var next = prefetch!.Next(batch);
            has = next is not null;
            if (next is not null)
                batch = next;
        }
        Report("read", path, reader.BytesRead, reader.BytesTotal, force: true);
        _sink?.EndSource(sourceIndex, rowInSource);
        // Columns this source lacks were stored as NULL.
        foreach (var c in _columns)
        {
            if (c.Type != SqlType.Blob && !bound.Any(b => b.Column == c))
                Counter(c.Name).Add(NullHash(), null, _rowsKept - keptBefore);
        }
        Bookkeeping.AddSource(_conn, _table, path, sourceRowsKept);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsFirstOccurrence(ColumnBatch batch, int row, List<(TargetColumn Column, int Source, bool Domain)> bound, int[] dedupe)
    {
        var h = Hash128.Create();
        foreach (int k in dedupe)
        {
            if (k < 0)
            {
                h.AddByte((byte)StoredKind.Null);
                continue;
            }
            var (col, s, domain) = bound[k];
            if (domain)
                CellValue.HashText(ref h, DomainBytes(batch[s], row));
            else
                CellValue.Hash(ref h, batch[s], row, col.Type);
        }
        return _seen!.Add(h.Finish());
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<byte> DomainBytes(ColumnValues urls, int row)
    {
        if (urls.KindAt(row) != ValueKind.Text)
            return default;
        var url = urls.BytesAt(row);
        if (_scratch.Length < url.Length)
            _scratch = new byte[Math.Max(url.Length, _scratch.Length * 2)];
        int n = UrlHost.Extract(url, _scratch);
        return _scratch.AsSpan(0, n);
    }

    private void BindDomain(sqlite3_stmt stmt, int parameter, ColumnValues urls, int row)
    {
        var host = DomainBytes(urls, row);
        if (host.IsEmpty)
            raw.sqlite3_bind_null(stmt, parameter);
        else
            raw.sqlite3_bind_text(stmt, parameter, host);
    }

    private void ThrowInsertError(int rc, string path, ColumnBatch batch, int row, long sourceRow, TableSchema schema)
    {
        string message = RawSql.ErrorMessage(_db);
        string where = batch.SourceLines.Count > row ? $"line {batch.SourceLines[row]}" : $"row {sourceRow + 1}";
        if ((rc & 0xFF) == raw.SQLITE_CONSTRAINT && _primaryKey is not null)
        {
            int s = SourceIndex(schema, _primaryKey);
            object? value = s >= 0 ? batch[s].ValueAt(row) : null;
            long? earlier = null;
            using (var cmd = _conn.CreateCommand())
            {
                cmd.CommandText = $"SELECT rowid FROM {SqlNames.Quote(_table)} WHERE {SqlNames.Quote(_primaryKey)} = $v";
                cmd.Parameters.AddWithValue("$v", NormalizeKey(value, FindColumn(_primaryKey)!.Type));
                if (cmd.ExecuteScalar() is long id)
                    earlier = id;
            }
            throw new UserErrorException($"{path} ({where}): duplicate value '{value}' in primary key column '{_primaryKey}'" +
                (earlier is null ? "" : $" (already in the row with rowid {earlier})"));
        }
        throw new UserErrorException($"{path} ({where}): could not store the row: {message}");
    }

    private static object NormalizeKey(object? value, SqlType type)
    {
        if (value is string s && type == SqlType.Integer && long.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long l))
            return l;
        return value ?? DBNull.Value;
    }

    // ---- finishing ----------------------------------------------------------------------------

    private void Finish()
    {
        _cancel.ThrowIfCancellationRequested();
        string t = SqlNames.Quote(_table);
        if (_searchColumns.Count > 0)
        {
            Report("index", _request.Sources[^1], 0, 0, force: true);
            string cols = string.Join(", ", _searchColumns.Select(SqlNames.Quote));
            if (_ftsTable is null)
            {
                _ftsTable = _table + "_fts";
                RawSql.Execute(_db, $"DROP TABLE IF EXISTS {SqlNames.Quote(_ftsTable)}");
                // content="TABLE" in double quotes is what Datasette and sqlite-utils look for to find a table's FTS index.
                RawSql.Execute(_db, $"CREATE VIRTUAL TABLE {SqlNames.Quote(_ftsTable)} USING fts5({cols}, content={SqlNames.Quote(_table)}, content_rowid=\"rowid\", tokenize='unicode61 remove_diacritics 2')");
                // A bigger in-memory term buffer (default 1 MB) writes fewer, larger segments and so merges less.
                RawSql.Execute(_db, $"INSERT INTO {SqlNames.Quote(_ftsTable)} ({SqlNames.Quote(_ftsTable)}, rank) VALUES ('hashsize', {FtsHashSize})");
                RawSql.Execute(_db, $"INSERT INTO {SqlNames.Quote(_ftsTable)} ({SqlNames.Quote(_ftsTable)}) VALUES ('rebuild')");
            }
            else if (_nextRowid > _firstNewRowid)
            {
                RawSql.Execute(_db, $"INSERT INTO {SqlNames.Quote(_ftsTable)} (rowid, {cols}) SELECT rowid, {cols} FROM {t} WHERE rowid >= {_firstNewRowid}");
            }
        }
        _cancel.ThrowIfCancellationRequested();

        Report("stats", _request.Sources[^1], 0, 0, force: true);
        long rowCount = RawSql.ScalarInt64(_conn, $"SELECT count(*) FROM {t}");
        var info = new TableInfo(_table, rowCount, _columns.Select(c => c.ToInfo()).ToList(), _searchColumns, _ftsTable, _primaryKey);
        Bookkeeping.WriteTable(_conn, info);
        WriteFacetStats();
    }

    /// <summary>Distinct counts per column (capped) and, for columns with few values, every value's count: the
    /// whole-table facets, answered without a scan. On --append the counts stored before are merged in.</summary>
    private void WriteFacetStats()
    {
        var before = Bookkeeping.ReadFacetStats(_conn, _table).ToDictionary(x => x.Column, x => x, StringComparer.OrdinalIgnoreCase);
        foreach (var c in _columns)
        {
            _cancel.ThrowIfCancellationRequested();
            if (c.Type == SqlType.Blob)
                continue;
            var counter = Counter(c.Name);
            if (_rowsBefore > 0)
            {
                if (!before.TryGetValue(c.Name, out var old))
                    counter.Add(NullHash(), null, _rowsBefore); // a column added now: NULL in the earlier rows
                else if (old.Capped)
                    counter.GiveUp();
                else
                    MergeStoredCounts(c.Name, counter);
            }
            Bookkeeping.WriteFacetStat(_conn, _table, c.Name, Math.Min(counter.Distinct, ValueCounter.Cap), counter.Capped);
            Bookkeeping.WriteFacetValues(_conn, _table, c.Name, counter.Entries.Select(e => (e.Value, e.Count)));
        }
        foreach (string column in _request.IndexColumns)
        {
            var c = FindColumn(column) ?? throw new UserErrorException($"--index: no column '{column}' (columns: {string.Join(", ", _columns.Select(x => x.Name))})");
            RawSql.Execute(_db, $"CREATE INDEX IF NOT EXISTS {SqlNames.Quote("idx_" + _table + "_" + c.Name)} ON {SqlNames.Quote(_table)} ({SqlNames.Quote(c.Name)})");
        }
    }

    private void MergeStoredCounts(string column, ValueCounter counter)
    {
        using var stmt = RawSql.Prepare(_db, """SELECT value, count FROM _trawl_facet_values WHERE "table" = ?1 AND "column" = ?2""");
        raw.sqlite3_bind_text(stmt, 1, _table);
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

    private string? DomainValue(ColumnValues urls, int row)
    {
        var host = DomainBytes(urls, row);
        return host.IsEmpty ? null : Encoding.UTF8.GetString(host);
    }

    private static UInt128 NullHash()
    {
        var h = Hash128.Create();
        h.AddByte((byte)StoredKind.Null);
        return h.Finish();
    }

    private void Report(string phase, string source, long bytesRead, long bytesTotal, bool force)
    {
        if (_progress is null)
            return;
        long now = _clock.ElapsedTicks;
        if (!force && _lastProgressTicks >= 0 && now - _lastProgressTicks < Stopwatch.Frequency / 10)
            return;
        _lastProgressTicks = now;
        _progress.Report(new IngestProgress(phase, source, bytesRead, bytesTotal, _rowsRead));
    }

    // ---- names --------------------------------------------------------------------------------

    private TargetColumn? FindColumn(string name) =>
        _columns.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static int SourceIndex(TableSchema schema, string targetName)
    {
        int i = schema.IndexOf(targetName);
        if (i >= 0 && TargetName(schema.Columns[i].Name).Equals(targetName, StringComparison.OrdinalIgnoreCase))
            return i;
        // A source column called "rowid" is stored as "rowid_" (rowid is the row's position).
        if (targetName.Equals("rowid_", StringComparison.OrdinalIgnoreCase))
            return schema.IndexOf("rowid");
        return -1;
    }

    internal static string TargetName(string sourceName) =>
        sourceName.Equals("rowid", StringComparison.OrdinalIgnoreCase) ? "rowid_" :
        sourceName.Length == 0 ? "column" : sourceName;

    private static string DomainSource(string spec)
    {
        spec = spec.Trim();
        if (spec.StartsWith("domain(", StringComparison.OrdinalIgnoreCase) && spec.EndsWith(')'))
            spec = spec[7..^1].Trim();
        return spec;
    }

    internal static string ValidateTableName(string name)
    {
        if (name.StartsWith("_trawl_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase))
            throw new UserErrorException($"--table: '{name}' is reserved (names starting with _trawl_ or sqlite_ are bookkeeping)");
        if (name.EndsWith("_fts", StringComparison.OrdinalIgnoreCase) || name.Contains("_fts_", StringComparison.OrdinalIgnoreCase))
            throw new UserErrorException($"--table: '{name}' looks like a full-text index table; choose another name");
        return name;
    }

    /// <summary>"musiccaps-public.csv.gz" → "musiccaps_public": letters, digits and underscores only.</summary>
    internal static string TableNameFromFile(string path)
    {
        string name = Path.GetFileName(path);
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            name = name[..^3];
        name = Path.GetFileNameWithoutExtension(name);
        var sb = new StringBuilder();
        foreach (char ch in name)
        {
            bool ok = char.IsAsciiLetterOrDigit(ch) || ch == '_';
            if (ok)
                sb.Append(ch);
            else if (sb.Length > 0 && sb[^1] != '_')
                sb.Append('_');
        }
        string result = sb.ToString().Trim('_');
        if (result.Length == 0)
            result = "data";
        if (char.IsAsciiDigit(result[0]))
            result = "t_" + result;
        if (result.EndsWith("_fts", StringComparison.OrdinalIgnoreCase))
            result += "_data";
        if (result.StartsWith("_trawl", StringComparison.OrdinalIgnoreCase) || result.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase))
            result = "t_" + result;
        return result;
    }
}
