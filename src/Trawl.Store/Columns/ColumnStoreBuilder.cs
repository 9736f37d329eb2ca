using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Columns;

/// <summary>
/// Writes a table's column files from its rows in one scan (rowid order, which is row position): for each column
/// the encodings its values allow (<see cref="ColumnEncoding"/>), then the manifest. New files are written under
/// temporary names and renamed; the manifest, written last, is the commit.
/// </summary>
internal static class ColumnStoreBuilder
{
    /// <summary>Columns with more distinct values than this get no dictionary (their numbers still get arrays).</summary>
    public const int DefaultMaxDictionaryEntries = 1 << 20;

    /// <summary>
    /// Brings the table's column files up to its rows: appends the rows past the committed count when the files
    /// exist for the same columns (an append never rewrites what is there, except the small dictionaries), else
    /// builds them all. The manifest, written last, commits; an interruption leaves the previous state.
    /// </summary>
    /// <param name="ftsTable">The table's FTS5 index: its ranking files are brought up to the same rows.</param>
    /// <param name="rankingClock">Runs while the ranking files are built (the ingest reports that time apart).</param>
    /// <param name="dictionariesInPlace">
    /// The caller holds the dataset alone (no reader maps these files): an append overwrites each dictionary in place
    /// instead of writing a copy beside it, so it needs no extra disk. A marker file is kept meanwhile; a crash that
    /// leaves it makes readers ignore the column files and the next build start them anew.
    /// </param>
    public static ColumnManifest Update(SqliteConnection conn, string datasetDirectory, string table, IReadOnlyList<string> columns,
        int maxDictionaryEntries = DefaultMaxDictionaryEntries, Action<long>? progress = null, CancellationToken cancel = default,
        string? ftsTable = null, RankingClock? rankingClock = null, bool dictionariesInPlace = false)
    {
        string folder = ColumnFiles.Folder(datasetDirectory);
        Directory.CreateDirectory(folder);
        RemoveTemporaryFiles(folder);
        string manifestPath = ColumnFiles.Manifest(folder, table);
        ColumnManifest? old;
        try
        {
            old = ColumnManifest.TryRead(manifestPath);
        }
        catch (Trawl.Formats.Tables.DataFormatException)
        {
            old = null;
        }
        string marker = ColumnFiles.DictionaryRewriteMarker(folder, table);
        if (File.Exists(marker))
            old = null;
        long tableRows = RawSql.ScalarInt64(conn, $"SELECT coalesce(max(\"rowid\") + 1, 0) FROM {SqlNames.Quote(table)}");
        // Files ahead of the table (rows committed to them but not to meta.db) are rebuilt, never trusted.
        bool append = old is not null && old.Table == table && old.Rows <= tableRows
            && old.Columns.Select(c => c.Name).SequenceEqual(columns, StringComparer.Ordinal);
        long start = append ? old!.Rows : 0;
        string tag = ".tmp-" + Guid.NewGuid().ToString("N");
        var encoders = new List<ColumnEncoder>();
        try
        {
            foreach (string c in columns)
            {
                var previous = append ? old!.Columns.First(e => e.Name == c).Encodings : null;
                encoders.Add(new ColumnEncoder(folder, table, c, tag, maxDictionaryEntries, previous, start));
            }
            long rows = start;
            // A column whose encodings have all been dropped (long unique texts, once past the dictionary's budget)
            // is no longer read: the scan goes on from the next row without it.
            var live = Enumerable.Range(0, encoders.Count).ToList();
            while (true)
            {
                bool narrowed = false;
                string sql = $"SELECT \"rowid\"{string.Concat(live.Select(c => ", " + SqlNames.Quote(columns[c])))} FROM {SqlNames.Quote(table)} WHERE \"rowid\" >= {rows} ORDER BY \"rowid\"";
                using var stmt = RawSql.Prepare(conn.Handle!, sql);
                int rc;
                while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
                {
                    long rowid = raw.sqlite3_column_int64(stmt, 0);
                    if (rowid != rows)
                        throw new UserErrorException($"table '{table}': row ids are not positions 0..n-1 (row {rows} has rowid {rowid}); column files need dense row ids");
                    for (int c = 0; c < live.Count; c++)
                        encoders[live[c]].Add(stmt, c + 1);
                    rows++;
                    if ((rows & 0xFFFF) == 0)
                    {
                        cancel.ThrowIfCancellationRequested();
                        progress?.Invoke(rows);
                    }
                    if ((rows & 0x3FF) == 0 && live.Any(c => !encoders[c].Alive))
                    {
                        live.RemoveAll(c => !encoders[c].Alive);
                        narrowed = true;
                        break;
                    }
                }
                if (rc != raw.SQLITE_ROW && rc != raw.SQLITE_DONE)
                    throw new SqliteException($"SQLite error {rc}: {RawSql.ErrorMessage(conn.Handle!)}", rc);
                if (!narrowed)
                    break;
            }
            cancel.ThrowIfCancellationRequested();
            bool inPlace = dictionariesInPlace && append;
            if (inPlace)
                WriteMarker(marker);
            var entries = new List<ColumnManifestEntry>();
            foreach (var e in encoders)
                entries.Add(new ColumnManifestEntry(e.Column, e.Complete(inPlace)));
            foreach (var e in encoders)
                e.Publish();
            SearchRankingBuilder.Result? ranking = null;
            if (ftsTable is not null)
            {
                rankingClock?.Start();
                ranking = SearchRankingBuilder.Build(conn, folder, table, ftsTable, append ? old!.Search : null, start, rows, tag, cancel);
                foreach (var (temp, final) in ranking?.Files ?? [])
                    File.Move(temp, final, overwrite: true);
                rankingClock?.Stop();
            }
            var manifest = new ColumnManifest { Table = table, Rows = rows, Columns = entries, Search = ranking?.Entry };
            Ingest.IngestPausePoint.Reach(Ingest.IngestPausePoint.Columns);
            manifest.Write(manifestPath);
            File.Delete(marker);
            ColumnFiles.DeleteTermFrequencySegmentsFrom(folder, table, Math.Max(1, manifest.Search?.Segments ?? 1));
            foreach (var e in encoders)
                e.DeleteDropped();
            progress?.Invoke(rows);
            return manifest;
        }
        finally
        {
            foreach (var e in encoders)
                e.Dispose();
            RemoveTemporaryFiles(folder);
        }
    }

    private static void WriteMarker(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Removes what an interrupted build left (files with ".tmp-" in their name).</summary>
    public static void RemoveTemporaryFiles(string folder)
    {
        if (!Directory.Exists(folder))
            return;
        foreach (string f in Directory.EnumerateFiles(folder))
        {
            if (ColumnFiles.IsTemporary(Path.GetFileName(f)))
            {
                try { File.Delete(f); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    /// <summary>One column's encoders during a build: each stays alive while the values allow it.</summary>
    private sealed class ColumnEncoder : IDisposable
    {
        private readonly string _folder, _table, _tag;
        private FixedWidthColumnWriter<long>? _int64;
        private FixedWidthColumnWriter<double>? _float64;
        private FixedWidthColumnWriter<uint>? _codes;
        private ColumnDictionaryBuilder? _dictionary;
        private readonly List<(string Temp, string Final)> _done = [];

        private readonly bool _append;
        private readonly List<string> _dropped = [];

        /// <param name="previous">The encodings the column has (appending after <paramref name="committedRows"/>), or null to build anew.</param>
        public ColumnEncoder(string folder, string table, string column, string tag, int maxDictionaryEntries, IReadOnlyList<ColumnEncoding>? previous, long committedRows)
        {
            _folder = folder;
            _table = table;
            _tag = tag;
            Column = column;
            _append = previous is not null;
            if (previous is null)
            {
                _int64 = new FixedWidthColumnWriter<long>(TempPath(ColumnEncoding.Int64, ColumnFilePart.Values), ColumnEncoding.Int64, ColumnFilePart.Values);
                _float64 = new FixedWidthColumnWriter<double>(TempPath(ColumnEncoding.Float64, ColumnFilePart.Values), ColumnEncoding.Float64, ColumnFilePart.Values);
                _codes = new FixedWidthColumnWriter<uint>(TempPath(ColumnEncoding.Dictionary, ColumnFilePart.Codes), ColumnEncoding.Dictionary, ColumnFilePart.Codes);
                _dictionary = new ColumnDictionaryBuilder(maxDictionaryEntries);
                return;
            }
            if (previous.Contains(ColumnEncoding.Int64))
                _int64 = new FixedWidthColumnWriter<long>(FinalPath(ColumnEncoding.Int64, ColumnFilePart.Values), ColumnEncoding.Int64, ColumnFilePart.Values, committedRows);
            if (previous.Contains(ColumnEncoding.Float64))
                _float64 = new FixedWidthColumnWriter<double>(FinalPath(ColumnEncoding.Float64, ColumnFilePart.Values), ColumnEncoding.Float64, ColumnFilePart.Values, committedRows);
            if (previous.Contains(ColumnEncoding.Dictionary))
            {
                using var existing = ColumnDictionary.Open(FinalPath(ColumnEncoding.Dictionary, ColumnFilePart.Dictionary));
                _dictionary = ColumnDictionaryBuilder.From(existing, Math.Max(maxDictionaryEntries, existing.Count));
                _codes = new FixedWidthColumnWriter<uint>(FinalPath(ColumnEncoding.Dictionary, ColumnFilePart.Codes), ColumnEncoding.Dictionary, ColumnFilePart.Codes, committedRows);
            }
        }

        private string FinalPath(ColumnEncoding e, ColumnFilePart p) => ColumnFiles.File(_folder, _table, Column, e, p);

        public string Column { get; }

        /// <summary>False once every encoding has been dropped: later values change nothing.</summary>
        public bool Alive => _int64 is not null || _float64 is not null || _dictionary is not null;

        private string TempPath(ColumnEncoding e, ColumnFilePart p) => ColumnFiles.File(_folder, _table, Column, e, p) + _tag;

        public void Add(sqlite3_stmt stmt, int i)
        {
            int type = raw.sqlite3_column_type(stmt, i);
            Span<byte> number = stackalloc byte[8];
            switch (type)
            {
                case raw.SQLITE_INTEGER:
                {
                    long v = raw.sqlite3_column_int64(stmt, i);
                    if (_int64 is not null)
                    {
                        if (v == ColumnSentinels.NullInt64)
                            Drop(ref _int64);
                        else
                            _int64.Append(v);
                    }
                    if (_float64 is not null)
                    {
                        double d = v;
                        if (d is >= 9223372036854775808.0 or < -9223372036854775808.0 || (long)d != v)
                            Drop(ref _float64);
                        else
                            _float64.Append(d);
                    }
                    BinaryPrimitives.WriteInt64LittleEndian(number, v);
                    AddCode(StoredValueKind.Integer, number);
                    break;
                }
                case raw.SQLITE_FLOAT:
                {
                    double v = raw.sqlite3_column_double(stmt, i);
                    Drop(ref _int64);
                    if (_float64 is not null)
                    {
                        if (double.IsNaN(v))
                            Drop(ref _float64);
                        else
                            _float64.Append(v);
                    }
                    BinaryPrimitives.WriteDoubleLittleEndian(number, v);
                    AddCode(StoredValueKind.Real, number);
                    break;
                }
                case raw.SQLITE_TEXT:
                case raw.SQLITE_BLOB:
                    Drop(ref _int64);
                    Drop(ref _float64);
                    AddCode(type == raw.SQLITE_TEXT ? StoredValueKind.Text : StoredValueKind.Blob, raw.sqlite3_column_blob(stmt, i));
                    break;
                default:
                    _int64?.Append(ColumnSentinels.NullInt64);
                    _float64?.Append(ColumnSentinels.NullFloat64);
                    AddCode(StoredValueKind.Null, default);
                    break;
            }
        }

        private void AddCode(StoredValueKind kind, ReadOnlySpan<byte> payload)
        {
            if (_dictionary is null)
                return;
            int code = _dictionary.Code(kind, payload);
            if (code < 0)
            {
                _dictionary = null;
                Drop(ref _codes);
                return;
            }
            _codes!.Append((uint)code);
        }

        private void Drop<T>(ref FixedWidthColumnWriter<T>? writer) where T : unmanaged
        {
            if (writer is null)
                return;
            string path = writer.Path;
            writer.Dispose();
            // A file the committed manifest still names goes only after the new manifest is written.
            if (_append)
                _dropped.Add(path);
            else
                File.Delete(path);
            writer = null;
        }

        public void DeleteDropped()
        {
            foreach (string path in _dropped)
            {
                try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            if (_append && _dictionary is null)
            {
                try { File.Delete(FinalPath(ColumnEncoding.Dictionary, ColumnFilePart.Dictionary)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            _dropped.Clear();
        }

        /// <summary>Finishes the surviving files; returns the encodings the column has.</summary>
        /// <param name="dictionaryInPlace">Overwrite an appended column's dictionary instead of writing it beside.</param>
        public IReadOnlyList<ColumnEncoding> Complete(bool dictionaryInPlace)
        {
            var encodings = new List<ColumnEncoding>();
            if (_int64 is not null)
            {
                _int64.Complete();
                if (!_append)
                    _done.Add((_int64.Path, FinalPath(ColumnEncoding.Int64, ColumnFilePart.Values)));
                encodings.Add(ColumnEncoding.Int64);
            }
            if (_float64 is not null)
            {
                _float64.Complete();
                if (!_append)
                    _done.Add((_float64.Path, FinalPath(ColumnEncoding.Float64, ColumnFilePart.Values)));
                encodings.Add(ColumnEncoding.Float64);
            }
            if (_codes is not null && _dictionary is not null)
            {
                _codes.Complete();
                if (!_append)
                    _done.Add((_codes.Path, FinalPath(ColumnEncoding.Dictionary, ColumnFilePart.Codes)));
                if (dictionaryInPlace && _append)
                {
                    _dictionary.Write(FinalPath(ColumnEncoding.Dictionary, ColumnFilePart.Dictionary), overwrite: true);
                }
                else
                {
                    string dict = TempPath(ColumnEncoding.Dictionary, ColumnFilePart.Dictionary);
                    _dictionary.Write(dict);
                    _done.Add((dict, FinalPath(ColumnEncoding.Dictionary, ColumnFilePart.Dictionary)));
                }
                encodings.Add(ColumnEncoding.Dictionary);
            }
            return encodings;
        }

        /// <summary>Renames the finished files into place (before the manifest that names them is written).</summary>
        public void Publish()
        {
            Dispose();
            foreach (var (temp, final) in _done)
                File.Move(temp, final, overwrite: true);
            _done.Clear();
        }

        public void Dispose()
        {
            _int64?.Dispose();
            _float64?.Dispose();
            _codes?.Dispose();
        }
    }
}
