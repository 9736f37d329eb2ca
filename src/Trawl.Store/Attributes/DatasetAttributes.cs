using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Trawl.Formats.Tables;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Attributes;

/// <summary>
/// Joins per-document attribute files (Dolma's <c>attributes/*/*.json.gz</c>, RedPajama-V2's quality signals) to
/// the documents of an existing table by a key: scalar attributes become columns of the table (facetable and
/// filterable like any other), span attributes a count column plus their spans in <c>_trawl_spans</c>. Attribute
/// files can arrive after the documents; a later run updates the same columns. One transaction on the live
/// meta.db: a failure leaves the dataset as it was. Records whose id matches no document, repeat an id already
/// given the same attribute, or carry spans outside the text or overlapping are skipped, counted and named.
/// </summary>
public static class DatasetAttributes
{
    private const int MaxProblemsNamed = 20;
    private static readonly string[] AttributePrefixes = ["attributes_", "quality_signals_"];

    private enum AttributeKind { Scalar, Spans }

    private sealed class AttributeState(string name, AttributeKind kind, string column)
    {
        public string Name { get; } = name;
        public AttributeKind Kind { get; } = kind;
        public string Column { get; } = column;
        public HashSet<long> Rows { get; } = [];
        public SqliteCommand? Update { get; set; }
    }

    public static AttributeReport Run(string datasetPath, AttributeRequest request, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Sources.Count == 0)
            throw new UserErrorException("no attribute files given");
        string directory = DatasetPaths.FindExisting(datasetPath)
            ?? throw new UserErrorException($"{datasetPath}: no dataset there; ingest the documents first, then their attributes with --attributes-of");
        var clock = Stopwatch.StartNew();
        using var datasetLock = IngestLock.Acquire(directory);
        DatasetRecovery.Run(directory);
        using var conn = DatasetIngest.OpenInPlace(DatasetPaths.MetaDb(directory));
        RawSql.Execute(conn.Handle!, "BEGIN IMMEDIATE");
        try
        {
            var run = new Runner(conn, request, cancel);
            var report = run.Load(clock);
            cancel.ThrowIfCancellationRequested();
            RawSql.Execute(conn.Handle!, "COMMIT");
            DatasetIngest.Checkpoint(conn);
            return report;
        }
        catch
        {
            if (SQLitePCL.raw.sqlite3_get_autocommit(conn.Handle!) == 0)
                RawSql.Execute(conn.Handle!, "ROLLBACK");
            throw;
        }
    }

    private sealed class Runner(SqliteConnection conn, AttributeRequest request, CancellationToken cancel)
    {
        private readonly Dictionary<string, AttributeState> _attributes = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> _problems = [];
        private readonly List<(string Name, SqlType Type, ColumnRole Role)> _added = [];
        private readonly List<SpanList.Span> _spans = [];
        private TableInfo _table = null!;
        private string _key = "";
        private string? _text;
        private SqliteCommand _lookup = null!;
        private SqliteCommand _deleteSpans = null!;
        private SqliteCommand _insertSpan = null!;
        private long _records, _matched, _unmatched, _duplicates, _invalidSpans, _spansWritten;

        public AttributeReport Load(Stopwatch clock)
        {
            Bookkeeping.EnsureSchema(conn);
            AttributeSpans.EnsureSchema(conn);
            var tables = Bookkeeping.ReadTables(conn);
            _table = tables.FirstOrDefault(t => t.Name.Equals(request.Table, StringComparison.OrdinalIgnoreCase))
                ?? throw new UserErrorException($"--attributes-of: no table '{request.Table}' (tables: {string.Join(", ", tables.Select(t => t.Name))})");
            _key = _table.FindColumn(request.Key)?.Name
                ?? throw new UserErrorException($"--key: table '{_table.Name}' has no column '{request.Key}' (columns: {string.Join(", ", _table.Columns.Select(c => c.Name))})");
            _text = request.TextColumn is { } t
                ? _table.FindColumn(t)?.Name ?? throw new UserErrorException($"--text-column: table '{_table.Name}' has no column '{t}'")
                : _table.SearchColumns.FirstOrDefault() ?? _table.FindColumn("text")?.Name;
            string quotedTable = SqlNames.Quote(_table.Name);
            // The join looks documents up by key; an index makes that a seek (kept: later attribute runs use it too).
            Exec($"CREATE INDEX IF NOT EXISTS {SqlNames.Quote("idx_" + _table.Name + "_" + _key)} ON {quotedTable} ({SqlNames.Quote(_key)})");
            _lookup = Command($"SELECT rowid, {(_text is null ? "NULL" : "length(" + SqlNames.Quote(_text) + ")")} FROM {quotedTable} WHERE {SqlNames.Quote(_key)} = $k LIMIT 2", "$k");
            _deleteSpans = Command("""DELETE FROM _trawl_spans WHERE "table" = $t AND attribute = $a AND row = $r""", "$t", "$a", "$r");
            _insertSpan = Command("""INSERT INTO _trawl_spans ("table", attribute, row, start, "end", score) VALUES ($t, $a, $r, $s, $e, $sc)""", "$t", "$a", "$r", "$s", "$e", "$sc");
            _deleteSpans.Parameters["$t"].Value = _table.Name;
            _insertSpan.Parameters["$t"].Value = _table.Name;

            foreach (string path in request.Sources)
                LoadFile(path);

            WriteBookkeeping();
            return new AttributeReport(_table.Name, _records, _matched, _unmatched, _duplicates, _invalidSpans, _spansWritten,
                _added.Select(a => a.Name).ToList(), _problems, clock.Elapsed);
        }

        private void LoadFile(string path)
        {
            // Attribute files are JSON Lines whatever their extension says (Dolma names them .json.gz), even with one record.
            string? format = TableReaders.DetectFormat(path) is "json" or null ? "jsonl" : null;
            using var reader = TableReaders.Open(path, new TableReaderOptions { Flatten = true, Format = format });
            var schema = reader.Schema;
            int keyIndex = schema.IndexOf(request.Key);
            if (keyIndex < 0)
                throw new DataFormatException(path, $"the records have no '{request.Key}' field to join on (fields: {string.Join(", ", schema.Columns.Select(c => c.Name))})");
            var attributeColumns = new List<(int Index, string Name)>();
            for (int i = 0; i < schema.Count; i++)
            {
                string name = schema.Columns[i].Name;
                foreach (string prefix in AttributePrefixes)
                {
                    if (name.Length > prefix.Length && name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                        attributeColumns.Add((i, name[prefix.Length..]));
                }
            }
            if (attributeColumns.Count == 0)
                throw new DataFormatException(path, "the records have no 'attributes' (or 'quality_signals') object: nothing to join");

            var batch = new ColumnBatch(schema.Count, 4096);
            while (reader.ReadBatch(batch, 4096))
            {
                cancel.ThrowIfCancellationRequested();
                for (int r = 0; r < batch.RowCount; r++)
                    ApplyRecord(path, batch, r, keyIndex, attributeColumns);
            }
        }

        private void ApplyRecord(string path, ColumnBatch batch, int r, int keyIndex, List<(int Index, string Name)> attributeColumns)
        {
            _records++;
            string where = batch.SourceLines.Count > r ? $"line {batch.SourceLines[r]}" : $"record {batch.FirstRow + r + 1}";
            var key = batch[keyIndex];
            object? keyValue = key.KindAt(r) switch
            {
                ValueKind.Text => Encoding.UTF8.GetString(key.BytesAt(r)),
                ValueKind.Int64 => key.Int64At(r),
                _ => null,
            };
            if (keyValue is null)
            {
                _unmatched++;
                Problem($"{path} ({where}): no '{request.Key}' value");
                return;
            }
            _lookup.Parameters["$k"].Value = keyValue;
            long rowid;
            long textLength;
            using (var found = _lookup.ExecuteReader())
            {
                if (!found.Read())
                {
                    _unmatched++;
                    Problem($"{path} ({where}): {request.Key} '{keyValue}' matches no document in '{_table.Name}'");
                    return;
                }
                rowid = found.GetInt64(0);
                textLength = found.IsDBNull(1) ? 0 : found.GetInt64(1);
                if (found.Read())
                    throw new UserErrorException($"--key {_key}: more than one document of '{_table.Name}' has {_key} '{keyValue}'; the key must be unique");
            }

            // A repeat of an id already given one of these attributes in this run is skipped whole.
            foreach (var (index, name) in attributeColumns)
            {
                if (!batch[index].IsNull(r) && _attributes.TryGetValue(name, out var seen) && seen.Rows.Contains(rowid))
                {
                    _duplicates++;
                    Problem($"{path} ({where}): {request.Key} '{keyValue}' already has attribute '{name}' from an earlier record; skipped");
                    return;
                }
            }
            _matched++;
            foreach (var (index, name) in attributeColumns)
            {
                var values = batch[index];
                if (values.IsNull(r))
                    continue;
                var kind = values.KindAt(r);
                bool spans = kind == ValueKind.Json && SpanList.TryParse(values.BytesAt(r), _spans);
                var state = Attribute(name, spans ? AttributeKind.Spans : AttributeKind.Scalar, kind);
                state.Rows.Add(rowid);
                if (state.Kind == AttributeKind.Spans)
                {
                    if (!spans)
                    {
                        _invalidSpans++;
                        Problem($"{path} ({where}): attribute '{name}' is not a list of [start, end, score] spans; skipped");
                        continue;
                    }
                    if (_text is not null && SpanList.Problem(_spans, textLength) is { } why)
                    {
                        _invalidSpans++;
                        Problem($"{path} ({where}): attribute '{name}' of {request.Key} '{keyValue}': {why}; skipped");
                        continue;
                    }
                    _deleteSpans.Parameters["$a"].Value = name;
                    _deleteSpans.Parameters["$r"].Value = rowid;
                    _deleteSpans.ExecuteNonQuery();
                    _insertSpan.Parameters["$a"].Value = name;
                    _insertSpan.Parameters["$r"].Value = rowid;
                    foreach (var s in _spans)
                    {
                        _insertSpan.Parameters["$s"].Value = s.Start;
                        _insertSpan.Parameters["$e"].Value = s.End;
                        _insertSpan.Parameters["$sc"].Value = s.Score is { } score ? score : DBNull.Value;
                        _insertSpan.ExecuteNonQuery();
                        _spansWritten++;
                    }
                    SetValue(state, rowid, (long)_spans.Count);
                }
                else
                {
                    SetValue(state, rowid, kind switch
                    {
                        ValueKind.Int64 or ValueKind.Boolean => values.Int64At(r),
                        ValueKind.Double => values.DoubleAt(r),
                        _ => Encoding.UTF8.GetString(values.BytesAt(r)),
                    });
                }
            }
        }

        private void SetValue(AttributeState state, long rowid, object value)
        {
            state.Update ??= Command($"UPDATE {SqlNames.Quote(_table.Name)} SET {SqlNames.Quote(state.Column)} = $v WHERE rowid = $r", "$v", "$r");
            state.Update.Parameters["$v"].Value = value;
            state.Update.Parameters["$r"].Value = rowid;
            state.Update.ExecuteNonQuery();
        }

        /// <summary>The attribute's state, adding its column to the table the first time it is seen.</summary>
        private AttributeState Attribute(string name, AttributeKind kind, ValueKind firstValue)
        {
            if (_attributes.TryGetValue(name, out var state))
                return state;
            string column = kind == AttributeKind.Spans ? name + "_count" : name;
            var existing = _table.FindColumn(column) ?? _added.Select(a => new ColumnInfo(a.Name, a.Type, a.Role)).FirstOrDefault(c => c.Name.Equals(column, StringComparison.OrdinalIgnoreCase));
            var role = kind == AttributeKind.Spans ? ColumnRole.SpanCount : ColumnRole.Attribute;
            if (existing is not null && existing.Role is not (ColumnRole.Attribute or ColumnRole.SpanCount))
                throw new UserErrorException($"attribute '{name}' would overwrite column '{existing.Name}' of '{_table.Name}', which came from the documents");
            if (existing is null)
            {
                var type = kind == AttributeKind.Spans ? SqlType.Integer : firstValue switch
                {
                    ValueKind.Int64 or ValueKind.Boolean => SqlType.Integer,
                    ValueKind.Double => SqlType.Real,
                    _ => SqlType.Text,
                };
                Exec($"ALTER TABLE {SqlNames.Quote(_table.Name)} ADD COLUMN {SqlNames.Quote(column)} {type.Name()}");
                _added.Add((column, type, role));
            }
            state = new AttributeState(name, kind, existing?.Name ?? column);
            _attributes[name] = state;
            return state;
        }

        /// <summary>New columns join the table's bookkeeping; every column touched gets fresh facet statistics.</summary>
        private void WriteBookkeeping()
        {
            if (_added.Count > 0)
            {
                var columns = _table.Columns.Concat(_added.Select(a => new ColumnInfo(a.Name, a.Type, a.Role))).ToList();
                Bookkeeping.WriteTable(conn, _table with { Columns = columns });
            }
            foreach (var state in _attributes.Values)
            {
                using var cmd = conn.CreateCommand();
                cmd.CommandText = $"SELECT {SqlNames.Quote(state.Column)}, count(*) FROM {SqlNames.Quote(_table.Name)} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {ValueCounter.Cap + 1}";
                var values = new List<(object? Value, long Count)>();
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read())
                        values.Add((r.IsDBNull(0) ? null : r.GetValue(0), r.GetInt64(1)));
                }
                bool capped = values.Count > ValueCounter.Cap;
                Bookkeeping.WriteFacetStat(conn, _table.Name, state.Column, capped ? ValueCounter.Cap + 1 : values.Count, capped);
                Bookkeeping.WriteFacetValues(conn, _table.Name, state.Column, capped ? [] : values);
            }
        }

        private void Problem(string text)
        {
            if (_problems.Count < MaxProblemsNamed)
                _problems.Add(text);
        }

        private void Exec(string sql)
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }

        private SqliteCommand Command(string sql, params string[] parameters)
        {
            var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            foreach (string p in parameters)
                cmd.Parameters.Add(new SqliteParameter(p, null));
            cmd.Prepare();
            return cmd;
        }
    }
}
