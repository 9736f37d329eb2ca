using Microsoft.Data.Sqlite;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Columns;

/// <summary>
/// Answers a table query from the column files when it can: search, filters and facet selections become
/// <see cref="RowBitmap"/>s, counts are their sizes, facets count codes over them, histograms bin the numeric arrays,
/// sorts take the top page with a partial sort; only the page's rows are then read from SQLite. Anything the files
/// cannot answer exactly (a --where, a column without a suitable file, files older than the table) returns null
/// and the caller runs the SQL path. Thread-safe.
/// </summary>
internal sealed class ColumnarEngine : IDisposable
{
    private readonly string _datasetDirectory;
    private readonly object _lock = new();
    private readonly Dictionary<string, (DateTime Stamp, TableColumns? Columns)> _tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<TableColumns> _retired = [];
    private readonly SearchBitmapCache _searches = new(capacity: 16);

    public ColumnarEngine(string datasetDirectory) => _datasetDirectory = datasetDirectory;

    /// <summary>The table's column files when they hold exactly the table's rows; null otherwise.</summary>
    public TableColumns? For(TableInfo table)
    {
        string manifest = ColumnFiles.Manifest(ColumnFiles.Folder(_datasetDirectory), table.Name);
        DateTime stamp = File.Exists(manifest) ? File.GetLastWriteTimeUtc(manifest) : DateTime.MinValue;
        lock (_lock)
        {
            if (!_tables.TryGetValue(table.Name, out var entry) || entry.Stamp != stamp)
            {
                if (entry.Columns is not null)
                    _retired.Add(entry.Columns); // a query may still be reading it; closed with the engine
                TableColumns? opened = null;
                try
                {
                    opened = stamp == DateTime.MinValue ? null : TableColumns.Open(_datasetDirectory, table.Name);
                }
                catch (Trawl.Formats.Tables.DataFormatException)
                {
                    opened = null; // damaged files: answer from SQLite (a rebuild with `trawl columns` repairs them)
                }
                entry = (stamp, opened);
                _tables[table.Name] = entry;
                _searches.Clear();
            }
            return entry.Columns is { } c && c.Rows == table.RowCount ? c : null;
        }
    }

    /// <summary>The rows a query's search and filters match (and how many the search alone matches), or null when
    /// the column files cannot say exactly.</summary>
    public ColumnarMatch? Match(SqliteConnection conn, TableInfo table, TableQuery query, CancellationToken cancel = default)
    {
        if (!string.IsNullOrWhiteSpace(query.Where))
            return null;
        var columns = For(table);
        if (columns is null)
            return null;
        RowBitmap? set = null;
        long? searchMatches = null;
        var (searching, match) = FtsQuery.For(table, query);
        if (searching)
        {
            var (searched, count) = match is null ? (RowBitmap.Empty(columns.Rows), 0L) : _searches.GetOrAdd(table.Name, match, () => SearchRows(conn, table, match, columns.Rows, cancel));
            set = searched.Clone();
            searchMatches = count;
        }
        foreach (var f in query.Filters)
        {
            cancel.ThrowIfCancellationRequested();
            var info = table.FindColumn(f.Column);
            if (info is null)
                return null; // rowid filters and unknown columns: the SQL path (which reports unknown names)
            var rows = ColumnarFilter.Evaluate(columns, info, f);
            if (rows is null)
                return null;
            if (set is null)
                set = rows;
            else
                set.IntersectWith(rows);
        }
        return new ColumnarMatch(columns, set ?? RowBitmap.All(columns.Rows), searchMatches);
    }

    private static RowBitmap SearchRows(SqliteConnection conn, TableInfo table, string match, long rows, CancellationToken cancel)
    {
        var set = RowBitmap.Empty(rows);
        string fts = SqlNames.Quote(table.FtsTable!);
        // The raw API: millions of row ids per common word, no per-row overhead.
        using var stmt = RawSql.Prepare(conn.Handle!, $"SELECT rowid FROM {fts} WHERE {fts} MATCH ?1");
        SQLitePCL.raw.sqlite3_bind_text(stmt, 1, match);
        long n = 0;
        int rc;
        while ((rc = SQLitePCL.raw.sqlite3_step(stmt)) == SQLitePCL.raw.SQLITE_ROW)
        {
            long id = SQLitePCL.raw.sqlite3_column_int64(stmt, 0);
            if ((ulong)id < (ulong)rows)
                set.Add(id);
            if ((++n & 0xFFFF) == 0)
                cancel.ThrowIfCancellationRequested();
        }
        if (rc != SQLitePCL.raw.SQLITE_DONE)
            throw new SqliteException($"SQLite error {rc}: {RawSql.ErrorMessage(conn.Handle!)}", rc);
        return set;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var (_, c) in _tables.Values)
                c?.Dispose();
            foreach (var c in _retired)
                c.Dispose();
            _tables.Clear();
            _retired.Clear();
        }
    }
}
