using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Trawl.Store.Columns;
using Trawl.Store.Contracts;
using Trawl.Store.Queries;
using Trawl.Store.Sql;
using Trawl.Store.Storage;
using Trawl.Store.VectorSets;

namespace Trawl.Store.Datasets;

/// <summary>
/// The embedded (SQLite) backend of the read contracts: a dataset folder (<c>NAME.trawl/</c>) opened for reading —
/// tables, rows, FTS5 search, facets, read-only SQL through a pool of read-only SQLite connections, and kNN over
/// its memory-mapped vector sets. Thread-safe. Callers outside Store see it as an <see cref="IDatasetSource"/>
/// (<see cref="DatasetOpeners.Open"/>). Writing goes through <see cref="Trawl.Store.Ingest.DatasetIngest"/>.
/// </summary>
public sealed class Dataset : IDatasetSource
{
    /// <summary>What this backend declares: SQLite SQL, FTS5 raw search, everything but kNN evaluated in SQLite
    /// (kNN scans the vector sets in process through the allow-set).</summary>
    public static readonly BackendCapabilities SqliteCapabilities = new("sqlite", SqlDialect.Sqlite, SearchSyntax.Fts5,
        Pushdown.Search | Pushdown.Filters | Pushdown.Where | Pushdown.Facets | Pushdown.Histograms);

    /// <summary>Largest page <see cref="QueryRows"/> returns, whatever Size asks.</summary>
    public const int MaxPageSize = 1000;

    private readonly string _metaDb;
    private volatile ReadConnectionPool _pool;

    /// <summary>Tells appenders someone is reading, so they keep WAL (see <see cref="ReaderPresence"/>).</summary>
    private ReaderPresence? _presence;
    private readonly object _stateLock = new();
    private volatile Snapshot _snapshot;
    private readonly VectorSetCatalog _vectors;
    private readonly ColumnarEngine _columnar;

    private Dataset(string directory)
    {
        Directory = directory;
        _metaDb = DatasetPaths.MetaDb(directory);
        _pool = new ReadConnectionPool(_metaDb);
        _snapshot = LoadSnapshot();
        _vectors = new VectorSetCatalog(this);
        _columnar = new ColumnarEngine(directory);
    }

    /// <summary>When false, every query takes the SQL path (tests compare the two). Internal.</summary>
    internal bool UseColumnFiles { get; set; } = true;

    /// <summary>How many row sets the column files have answered (tests check a query took that path).</summary>
    internal long ColumnarAnswers => Interlocked.Read(ref _columnarAnswers);
    private long _columnarAnswers;

    private ColumnarMatch? MatchColumnar(SqliteConnection conn, TableInfo table, TableQuery query, CancellationToken cancel = default)
    {
        var match = UseColumnFiles ? _columnar.Match(conn, table, query, cancel) : null;
        if (match is not null)
            Interlocked.Increment(ref _columnarAnswers);
        return match;
    }

    /// <summary>Searches without a sort are ordered by relevance when they match at most this many rows, else by rowid
    /// (ranking every match of a common word in millions of rows is too slow for a page). Internal: tests lower it.</summary>
    internal int RankLimit { get; set; } = PageOrder.DefaultRankLimit;

    /// <summary>The dataset's name: its folder name without ".trawl".</summary>
    public string Name => DatasetPaths.NameOf(Directory);

    /// <summary>The dataset folder.</summary>
    public string Directory { get; }

    /// <inheritdoc/>
    public string Location => Directory;

    /// <inheritdoc/>
    public BackendCapabilities Capabilities => SqliteCapabilities;

    /// <inheritdoc/>
    /// <remarks>A counter raised each time the table list is reloaded (an ingest replaced or appended to meta.db).</remarks>
    public string DataVersion
    {
        get
        {
            var snap = Current();
            lock (_stateLock)
            {
                if (!ReferenceEquals(snap, _versioned))
                {
                    _versioned = snap;
                    _version = (++_generation).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                return _version;
            }
        }
    }

    private Snapshot? _versioned;
    private string _version = "0";
    private long _generation;

    /// <summary>Opens an existing dataset; a missing folder or one without meta.db is a <see cref="UserErrorException"/>.
    /// A path without ".trawl" also finds "PATH.trawl".</summary>
    public static Dataset Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? directory = DatasetPaths.FindExisting(path)
            ?? throw new UserErrorException(System.IO.Directory.Exists(path)
                ? $"{path}: not a Trawl dataset (no {DatasetPaths.MetaDbName} inside)"
                : $"{path}: no such dataset (looked for {path} and {path}{DatasetPaths.Extension})");
        // Leftovers of an interrupted ingest go (unless an ingest is running now: it owns them).
        Trawl.Store.Storage.DatasetRecovery.TryRun(directory);
        var presence = ReaderPresence.Announce(directory);
        try
        {
            return new Dataset(directory) { _presence = presence };
        }
        catch (SqliteException e)
        {
            presence?.Dispose();
            throw new UserErrorException($"{directory}: cannot read {DatasetPaths.MetaDbName}: {e.Message}", e);
        }
        catch
        {
            presence?.Dispose();
            throw;
        }
    }

    /// <summary>Tables in the dataset (not the FTS or _trawl_ tables), in the order they were first ingested.</summary>
    public IReadOnlyList<TableInfo> ListTables() => Current().Tables;

    /// <summary>A table by name (case-insensitive), or a <see cref="UserErrorException"/> naming the tables there are.</summary>
    public TableInfo GetTable(string name)
    {
        var tables = Current().Tables;
        return tables.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new UserErrorException(tables.Count == 0
                ? $"dataset '{Name}' has no tables; ingest a file first"
                : $"dataset '{Name}' has no table '{name}' (tables: {string.Join(", ", tables.Select(t => t.Name))})");
    }

    /// <summary>A page of rows. Unknown columns in filters or sort are a <see cref="UserErrorException"/>.</summary>
    /// <param name="count">Also count all matching rows.</param>
    public RowPage QueryRows(TableQuery query, bool count = true)
    {
        ArgumentNullException.ThrowIfNull(query);
        var clock = Stopwatch.StartNew();
        var table = GetTable(query.Table);
        var q = new QueryCompiler(table, query);
        int size = Math.Clamp(query.Size, 1, MaxPageSize);
        var cursor = string.IsNullOrEmpty(query.Next) ? null : PageCursor.Decode(query.Next);

        return WithConnection(conn =>
        {
            if (MatchColumnar(conn, table, query) is { } match && ColumnarPage(conn, q, query, match, cursor, size, count, clock) is { } fast)
                return fast;
            var order = PageOrder.For(q, query, RankLimit, limit => CappedMatchCount(conn, q, limit));
            if (cursor is not null && !order.Accepts(cursor))
                throw new UserErrorException("the _next cursor belongs to a query with another sort order (or the data changed)");
            using var cmd = conn.CreateCommand();
            cmd.CommandText = order.PageSql(q, cursor, size + 1);
            q.Bind(cmd);
            var rows = new List<object?[]>(Math.Min(size + 1, 128));
            RunReader(cmd, r =>
            {
                while (r.Read())
                    rows.Add(ReadRow(r, q.ColumnNames.Count));
            });
            string? next = null;
            if (rows.Count > size)
            {
                rows.RemoveAt(rows.Count - 1);
                long offset = (cursor?.Offset ?? 0) + size;
                next = order.CursorAfter(rows[^1], offset).Encode();
            }
            long? total = count ? CountWith(conn, table, q) : null;
            return new RowPage(q.ColumnNames, rows, next, total, clock.Elapsed)
            {
                Ordering = order.Ordering(q.MatchParameter is not null && string.IsNullOrEmpty(query.Sort)),
                RankLimit = RankLimit,
            };
        }, query);
    }

    /// <summary>How many rows match (ignoring Size and Next).</summary>
    /// <param name="cancel">Stops the query midway (SQLite is interrupted) with an <see cref="OperationCanceledException"/>.</param>
    public long CountRows(TableQuery query, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var table = GetTable(query.Table);
        var q = new QueryCompiler(table, query);
        return WithConnection(conn => MatchColumnar(conn, table, query, cancel) is { } match ? match.Rows.Count() : CountWith(conn, table, q), query, cancel);
    }

    /// <summary>Top values of <paramref name="column"/> among the rows that match <paramref name="query"/>.</summary>
    /// <param name="cancel">Stops the query midway (SQLite is interrupted) with an <see cref="OperationCanceledException"/>.</param>
    public FacetResult Facet(TableQuery query, string column, int limit = 30, CancellationToken cancel = default) =>
        FacetCore(query, column, null, limit, cancel);

    /// <summary>Top values of <paramref name="column"/> among the matching rows, each with the sum of the integer column
    /// <paramref name="sumColumn"/> over its rows (NULLs count 0): tokens per source.</summary>
    public FacetResult FacetWithSum(TableQuery query, string column, string sumColumn, int limit = 30, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(sumColumn);
        return FacetCore(query, column, sumColumn, limit, cancel);
    }

    /// <summary>The sum of the integer column <paramref name="column"/> over the matching rows (NULLs count 0), from
    /// its Int64 column file when there is one.</summary>
    public long? Sum(TableQuery query, string column, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var table = GetTable(query.Table);
        var q = new QueryCompiler(table, query);
        string col = q.ColumnSql(column, out var info);
        return WithConnection(conn =>
        {
            if (info is not null && MatchColumnar(conn, table, query, cancel) is { } match && match.Columns.Find(info.Name) is { } data
                && ColumnarFacet.Sum(data, match.Rows) is { } sum)
                return sum;
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT CAST(coalesce(sum({col}), 0) AS INTEGER) FROM {q.TableSql}{q.WhereSql()}";
            q.Bind(cmd);
            long total = 0;
            RunReader(cmd, r =>
            {
                if (r.Read())
                    total = r.GetInt64(0);
            });
            return (long?)total;
        }, query, cancel);
    }

    private FacetResult FacetCore(TableQuery query, string column, string? sumColumn, int limit, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(query);
        var clock = Stopwatch.StartNew();
        var table = GetTable(query.Table);
        var q = new QueryCompiler(table, query);
        string col = q.ColumnSql(column, out var info);
        ColumnInfo? sumInfo = null;
        string? sumSql = sumColumn is null ? null : q.ColumnSql(sumColumn, out sumInfo);
        string? sumName = sumColumn is null ? null : sumInfo?.Name ?? "rowid";
        limit = Math.Clamp(limit, 1, 10_000);
        return WithConnection(conn =>
        {
            if (sumSql is null && q.MatchesAll && info is not null && Bookkeeping.ReadFacetValues(conn, table.Name, info.Name) is { } cached)
            {
                // Whole-table counts were taken at ingest: no scan.
                var sorted = cached.OrderByDescending(v => v.Count).ThenBy(v => v.Value, SqliteValueOrder.Instance)
                    .Select(v => new FacetValue(v.Value, v.Count)).ToList();
                bool cut = sorted.Count > limit;
                return new FacetResult(info.Name, cut ? sorted.GetRange(0, limit) : sorted, cut, clock.Elapsed);
            }
            if (info is not null && (sumSql is null || sumInfo is not null) && MatchColumnar(conn, table, query, cancel) is { } match
                && match.Columns.Find(info.Name) is { } data
                && (sumInfo is null ? null : match.Columns.Find(sumInfo.Name)) is var summed && (sumInfo is null || summed is not null)
                && ColumnarFacet.Count(data, match.Rows, limit, summed) is var (counted, cut2))
                return new FacetResult(info.Name, counted, cut2, clock.Elapsed) { SumColumn = sumName };
            using var cmd = conn.CreateCommand();
            string sumPart = sumSql is null ? "" : $", CAST(coalesce(sum({sumSql}), 0) AS INTEGER)";
            cmd.CommandText = $"SELECT {col}, count(*) AS n{sumPart} FROM {q.TableSql}{q.WhereSql()} GROUP BY {col} ORDER BY n DESC, {col} LIMIT {limit + 1}";
            q.Bind(cmd);
            var values = new List<FacetValue>();
            RunReader(cmd, r =>
            {
                while (r.Read())
                    values.Add(new FacetValue(ReadValue(r, 0), r.GetInt64(1)) { Sum = sumSql is null ? null : r.GetInt64(2) });
            });
            bool truncated = values.Count > limit;
            if (truncated)
                values.RemoveAt(values.Count - 1);
            return new FacetResult(info?.Name ?? "rowid", values, truncated, clock.Elapsed) { SumColumn = sumName };
        }, query, cancel);
    }

    /// <summary>Top list elements or dates of <paramref name="column"/> among the matching rows (values: <see cref="Facet(TableQuery, string, int, CancellationToken)"/>).
    /// From the column files when they can say; else one GROUP BY over the matching rows, grouped again here.</summary>
    public FacetResult Facet(TableQuery query, string column, FacetKind kind, int limit, CancellationToken cancel = default)
    {
        if (kind == FacetKind.Value)
            return Facet(query, column, limit, cancel);
        ArgumentNullException.ThrowIfNull(query);
        var clock = Stopwatch.StartNew();
        var table = GetTable(query.Table);
        var q = new QueryCompiler(table, query);
        string col = q.ColumnSql(column, out var info);
        limit = Math.Clamp(limit, 1, 10_000);
        string name = info?.Name ?? "rowid";
        return WithConnection(conn =>
        {
            if (info is not null && MatchColumnar(conn, table, query, cancel) is { } match && match.Columns.Find(info.Name) is { } data
                && ColumnarFacet.CountBy(data, match.Rows, kind, limit) is var (counted, cut))
                return new FacetResult(name, counted, cut, clock.Elapsed);
            var facet = new ListFacet();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = kind == FacetKind.Array
                ? $"SELECT {col}, count(*) FROM {q.TableSql}{q.WhereSql($"typeof({col}) = 'text'")} GROUP BY {col}"
                : $"SELECT date({col}) AS d, count(*) FROM {q.TableSql}{q.WhereSql($"date({col}) IS NOT NULL")} GROUP BY d";
            q.Bind(cmd);
            RunReader(cmd, r =>
            {
                while (r.Read())
                {
                    if (kind == FacetKind.Array)
                        facet.AddList(r.GetString(0), r.GetInt64(1));
                    else
                        facet.Add(r.GetString(0), r.GetInt64(1));
                }
            });
            var (values, truncated) = facet.Top(limit);
            return new FacetResult(name, values, truncated, clock.Elapsed);
        }, query, cancel);
    }

    /// <summary>How many cells a suggestion looks at to decide that a column holds lists or dates.</summary>
    private const int SuggestionSample = 200;

    /// <summary>Columns worth faceting among the matching rows: values when 2 to 30 distinct ones
    /// are there, list elements when the sampled cells are all lists, dates when they are all ISO dates or times.
    /// Stops looking when <paramref name="budget"/> has passed and gives what it found.</summary>
    public IReadOnlyList<SuggestedFacet> SuggestFacets(TableQuery query, TimeSpan budget, CancellationToken cancel = default) =>
        SuggestFacets(query, budget, 30, cancel);

    internal IReadOnlyList<SuggestedFacet> SuggestFacets(TableQuery query, TimeSpan budget, int maxDistinct, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(query);
        var clock = Stopwatch.StartNew();
        var table = GetTable(query.Table);
        var q = new QueryCompiler(table, query with { Next = null });
        var candidates = table.Columns
            .Where(c => c.Role != ColumnRole.Caption && !table.SearchColumns.Contains(c.Name, StringComparer.OrdinalIgnoreCase))
            .ToList();
        var found = new List<SuggestedFacet>();
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timer.CancelAfter(budget);
        var stop = timer.Token;
        try
        {
            WithConnection(conn =>
            {
                var match = MatchColumnar(conn, table, query, stop);
                var cachedValues = q.MatchesAll ? SuggestFacets(table.Name, maxDistinct).ToHashSet(StringComparer.OrdinalIgnoreCase) : null;
                foreach (var column in candidates)
                {
                    if (clock.Elapsed > budget)
                        break;
                    stop.ThrowIfCancellationRequested();
                    var sample = SampleCells(conn, q, match, column, stop);
                    if (sample.Count > 0 && sample.All(v => v is string s && ArrayText.Elements(s) is not null) && sample.Any(v => ArrayText.Elements((string)v!)!.Count > 0))
                    {
                        found.Add(new SuggestedFacet(column.Name, FacetKind.Array));
                        continue;
                    }
                    if (sample.Count > 0 && sample.All(v => v is string s && IsoDate.TryDate(s, out _)))
                        found.Add(new SuggestedFacet(column.Name, FacetKind.Date));
                    bool values = cachedValues?.Contains(column.Name)
                        ?? DistinctCount(conn, q, match, column, maxDistinct + 1, stop) is >= 2 and var n && n <= maxDistinct;
                    if (values)
                        found.Add(new SuggestedFacet(column.Name, FacetKind.Value));
                }
                return 0;
            }, query, stop);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            // The budget ran out: what was found so far is the answer.
        }
        return found;
    }

    private static List<object?> SampleCells(SqliteConnection conn, QueryCompiler q, ColumnarMatch? match, ColumnInfo column, CancellationToken cancel)
    {
        var cells = new List<object?>();
        if (match?.Columns.Find(column.Name) is { HasDictionary: true } data)
        {
            // The most common distinct cells among the rows stand for the column.
            var counts = ColumnarFacet.CodeCounts(data, match.Rows)!;
            var dict = data.Dictionary!;
            for (int c = 0; c < counts.Length && cells.Count < SuggestionSample; c++)
            {
                if (counts[c] > 0 && dict.Kind(c) != StoredValueKind.Null)
                    cells.Add(dict.Value(c));
            }
            return cells;
        }
        cancel.ThrowIfCancellationRequested();
        string col = q.ColumnSql(column.Name, out _);
        using var cmd = conn.CreateCommand();
        if (match is not null)
        {
            // The first matching rows by position: SQLite would otherwise run the whole search again.
            var positions = match.Rows.Positions().Take(SuggestionSample * 4).ToList();
            if (positions.Count == 0)
                return cells;
            cmd.CommandText = $"SELECT {col} FROM {q.TableSql} WHERE t.\"rowid\" IN ({string.Join(",", positions)}) AND {col} IS NOT NULL LIMIT {SuggestionSample}";
            RunReader(cmd, r =>
            {
                while (r.Read())
                    cells.Add(ReadValue(r, 0));
            });
            return cells;
        }
        cmd.CommandText = $"SELECT {col} FROM {q.TableSql}{q.WhereSql($"{col} IS NOT NULL")} LIMIT {SuggestionSample}";
        q.Bind(cmd);
        RunReader(cmd, r =>
        {
            while (r.Read())
                cells.Add(ReadValue(r, 0));
        });
        return cells;
    }

    /// <summary>Distinct values of the column among the matching rows, counted up to <paramref name="cap"/>.</summary>
    private static long DistinctCount(SqliteConnection conn, QueryCompiler q, ColumnarMatch? match, ColumnInfo column, int cap, CancellationToken cancel)
    {
        if (match?.Columns.Find(column.Name) is { HasDictionary: true } data && ColumnarFacet.Count(data, match.Rows, cap) is var (values, _))
            return values.Count;
        // A column the files hold without a dictionary has too many distinct values for one (see ColumnStoreBuilder):
        // not a value facet, and counting them in SQLite would spend the whole budget.
        if (match?.Columns.Find(column.Name) is not null)
            return long.MaxValue;
        cancel.ThrowIfCancellationRequested();
        string col = q.ColumnSql(column.Name, out _);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM (SELECT DISTINCT {col} FROM {q.TableSql}{q.WhereSql()} LIMIT {cap})";
        q.Bind(cmd);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>Excerpts of the given rows' search columns with the matched words marked (FTS5 snippet()).</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<string?>> SearchSnippets(TableQuery query, IReadOnlyList<long> rowids)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(rowids);
        var result = new Dictionary<long, IReadOnlyList<string?>>();
        var table = GetTable(query.Table);
        var (searching, match) = FtsQuery.For(table, query);
        if (!searching || match is null || rowids.Count == 0 || table.FtsTable is null)
            return result;
        string fts = SqlNames.Quote(table.FtsTable);
        string open = SqlNames.Literal(Snippets.MatchStart.ToString()), close = SqlNames.Literal(Snippets.MatchEnd.ToString());
        var columns = Enumerable.Range(0, table.SearchColumns.Count)
            .Select(i => $", snippet({fts}, {i}, {open}, {close}, {SqlNames.Literal(Snippets.Ellipsis)}, 32)");
        return WithConnection(conn =>
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT rowid{string.Concat(columns)} FROM {fts} WHERE {fts} MATCH $m AND rowid IN ({string.Join(",", rowids.Distinct())})";
            cmd.Parameters.AddWithValue("$m", match);
            RunReader(cmd, r =>
            {
                while (r.Read())
                {
                    var texts = new string?[table.SearchColumns.Count];
                    for (int i = 0; i < texts.Length; i++)
                        texts[i] = r.IsDBNull(i + 1) ? null : r.GetString(i + 1);
                    result[r.GetInt64(0)] = texts;
                }
            });
            return result;
        }, query);
    }

    /// <summary>The query as one SELECT with its values written in (the table page's "SQL" link).</summary>
    public string? DescribeSql(TableQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var table = GetTable(query.Table);
        var q = new QueryCompiler(table, query);
        string where = q.WhereSql();
        string order = query.Sort is { } sort
            ? $" ORDER BY {q.ColumnSql(sort, out _)}{(query.SortDescending ? " DESC" : "")}, t.\"rowid\"{(query.SortDescending ? " DESC" : "")}"
            : " ORDER BY t.\"rowid\"";
        string sql = $"SELECT t.\"rowid\", t.* FROM {q.TableSql}{where}{order} LIMIT {Math.Clamp(query.Size, 1, MaxPageSize)}";
        return q.Inline(sql).Replace(" WHERE ", "\nWHERE ", StringComparison.Ordinal).Replace(" AND ", "\n  AND ", StringComparison.Ordinal)
            .Replace(" ORDER BY ", "\nORDER BY ", StringComparison.Ordinal).Replace(" LIMIT ", "\nLIMIT ", StringComparison.Ordinal);
    }

    /// <summary>Columns worth faceting: 2 to 30 distinct values over the table, cached at ingest.</summary>
    public IReadOnlyList<string> SuggestFacets(string table) => SuggestFacets(table, 30);

    /// <summary>Columns with between 2 and <paramref name="maxDistinct"/> distinct values, in table order.</summary>
    public IReadOnlyList<string> SuggestFacets(string table, int maxDistinct)
    {
        var info = GetTable(table);
        var stats = WithConnection(conn => Bookkeeping.ReadFacetStats(conn, info.Name));
        var good = stats.Where(s => !s.Capped && s.Distinct >= 2 && s.Distinct <= maxDistinct)
            .Select(s => s.Column).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return info.Columns
            .Where(c => good.Contains(c.Name) && c.Role != ColumnRole.Caption && !info.SearchColumns.Contains(c.Name, StringComparer.OrdinalIgnoreCase))
            .Select(c => c.Name).ToList();
    }

    /// <summary>Histogram of a numeric column among the matching rows.</summary>
    /// <param name="cancel">Stops the queries midway (SQLite is interrupted) with an <see cref="OperationCanceledException"/>.</param>
    public Histogram Histogram(TableQuery query, string column, int bins = 20, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var table = GetTable(query.Table);
        var q = new QueryCompiler(table, query);
        string col = q.ColumnSql(column, out var info);
        if (info is not null && !info.SqlType.IsNumeric())
            throw new UserErrorException($"column '{info.Name}' holds {info.SqlType.Name()} values; a histogram needs a numeric column");
        bins = Math.Clamp(bins, 1, 1000);
        string isNumber = $"typeof({col}) IN ('integer', 'real')";
        return WithConnection(conn =>
        {
            if (info is not null && MatchColumnar(conn, table, query, cancel) is { } match && match.Columns.Find(info.Name) is { } data
                && ColumnarHistogram.Compute(data, match.Rows, info.Name, bins) is { } fast)
                return fast;
            double? min = null, max = null;
            long nulls = 0;
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = $"SELECT min(CASE WHEN {isNumber} THEN {col} END), max(CASE WHEN {isNumber} THEN {col} END), coalesce(sum({col} IS NULL), 0) FROM {q.TableSql}{q.WhereSql()}";
                q.Bind(cmd);
                RunReader(cmd, r =>
                {
                    if (!r.Read())
                        return;
                    min = r.IsDBNull(0) ? null : r.GetDouble(0);
                    max = r.IsDBNull(1) ? null : r.GetDouble(1);
                    nulls = r.GetInt64(2);
                });
            }
            var result = new List<HistogramBin>();
            if (min is null || max is null)
                return new Histogram(info?.Name ?? "rowid", result, null, null, nulls);
            double lo = min.Value, hi = max.Value;
            if (hi == lo)
                bins = 1;
            double width = (hi - lo) / bins;
            var counts = new long[bins];
            using (var cmd = conn.CreateCommand())
            {
                string bin = width == 0 ? "0" : $"min(CAST(({col} - {q.AddParameter(lo)}) / {q.AddParameter(width)} AS INTEGER), {bins - 1})";
                cmd.CommandText = $"SELECT {bin} AS b, count(*) FROM {q.TableSql}{q.WhereSql(isNumber)} GROUP BY b";
                q.Bind(cmd);
                RunReader(cmd, r =>
                {
                    while (r.Read())
                    {
                        long b = Math.Clamp(r.GetInt64(0), 0, bins - 1);
                        counts[b] += r.GetInt64(1);
                    }
                });
            }
            for (int i = 0; i < bins; i++)
                result.Add(new HistogramBin(lo + i * width, i == bins - 1 ? hi : lo + (i + 1) * width, counts[i]));
            return new Histogram(info?.Name ?? "rowid", result, lo, hi, nulls);
        }, query, cancel);
    }

    /// <summary>One row by rowid (columns start with "rowid"), or null when there is none.</summary>
    public (IReadOnlyList<string> Columns, object?[] Values)? GetRow(string table, long rowid)
    {
        var info = GetTable(table);
        var q = new QueryCompiler(info, new TableQuery { Table = info.Name });
        return WithConnection<(IReadOnlyList<string>, object?[])?>(conn =>
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT {q.SelectColumns} FROM {q.TableSql} WHERE t.\"rowid\" = $id";
            cmd.Parameters.AddWithValue("$id", rowid);
            using var r = cmd.ExecuteReader();
            return r.Read() ? (q.ColumnNames, ReadRow(r, q.ColumnNames.Count)) : null;
        });
    }

    /// <summary>The attribute spans of one row (PII, toxic, duplicate-paragraph spans joined with --attributes-of), by start.</summary>
    public IReadOnlyList<Attributes.AttributeSpans.StoredSpan> GetSpans(string table, long rowid)
    {
        var info = GetTable(table);
        return WithConnection(conn => Attributes.AttributeSpans.Read(conn, info.Name, rowid));
    }

    /// <summary>Every matching row in order (ignores Size and Next), streamed for exports: columns first, then rows.</summary>
    public IEnumerable<object?[]> StreamRows(TableQuery query, out IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(query);
        var table = GetTable(query.Table);
        var q = new QueryCompiler(table, query);
        columns = q.ColumnNames;
        return Stream(q, query);
    }

    private IEnumerable<object?[]> Stream(QueryCompiler q, TableQuery query)
    {
        var (pool, conn) = Rent();
        try
        {
            // A query with a time limit (the web's _where) is interrupted when it runs out, even mid-stream.
            using var timer = query.TimeLimit is { } limit ? new CancellationTokenSource(limit) : null;
            using var stopper = timer is null ? default : timer.Token.Register(static c => SQLitePCL.raw.sqlite3_interrupt(((SqliteConnection)c!).Handle), conn);
            Exception Fail(SqliteException e) =>
                timer is { IsCancellationRequested: true } && e.SqliteErrorCode == SQLitePCL.raw.SQLITE_INTERRUPT
                    ? new SqlTimeoutException(query.TimeLimit!.Value)
                    : Translate(e, query);
            PageOrder order;
            try
            {
                order = PageOrder.For(q, query, RankLimit, limit => CappedMatchCount(conn, q, limit));
            }
            catch (SqliteException e)
            {
                throw Fail(e);
            }
            using var cmd = conn.CreateCommand();
            cmd.CommandText = order.PageSql(q, null, -1);
            q.Bind(cmd);
            SqliteDataReader reader;
            try
            {
                reader = cmd.ExecuteReader();
            }
            catch (SqliteException e)
            {
                throw Fail(e);
            }
            using (reader)
            {
                int n = q.ColumnNames.Count;
                while (true)
                {
                    bool more;
                    try
                    {
                        more = reader.Read();
                    }
                    catch (SqliteException e)
                    {
                        throw Fail(e);
                    }
                    if (!more)
                        yield break;
                    yield return ReadRow(reader, n);
                }
            }
        }
        finally
        {
            pool.Return(conn);
        }
    }

    /// <summary>Every matching row in order (ignores Size and Next) as typed column batches, for exports: see <see cref="RowBatchReader"/>.</summary>
    internal RowBatchReader ReadBatches(TableQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var table = GetTable(query.Table);
        var q = new QueryCompiler(table, query);
        var (pool, conn) = Rent();
        try
        {
            var order = PageOrder.For(q, query, RankLimit, limit => CappedMatchCount(conn, q, limit));
            var stmt = RawSql.Prepare(conn.Handle!, order.PageSql(q, null, -1));
            try
            {
                q.Bind(stmt);
            }
            catch
            {
                stmt.Dispose();
                throw;
            }
            return new RowBatchReader(pool, conn, stmt, q.ColumnNames.Count, e => Translate(e, query));
        }
        catch (SqliteException e)
        {
            pool.Return(conn);
            throw Translate(e, query);
        }
        catch
        {
            pool.Return(conn);
            throw;
        }
    }

    /// <summary>Runs one read-only statement: writes, ATTACH and state-changing PRAGMAs are refused
    /// (<see cref="UserErrorException"/>); stops at the time limit (<see cref="SqlTimeoutException"/>).</summary>
    public SqlResult ExecuteSql(string sql, SqlOptions? options = null)
    {
        options ??= new SqlOptions();
        return WithConnection(conn => ReadOnlySqlRunner.Run(conn, sql, options));
    }

    /// <summary>Size of the dataset's files on disk in bytes.</summary>
    public long SizeOnDisk() =>
        new DirectoryInfo(Directory).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => !DatasetPaths.IsLeftover(f.Name)).Sum(f => f.Length);

    /// <summary>The dataset's vector sets (from <c>_trawl_vector_sets</c>), by name; empty when there are none.</summary>
    public IReadOnlyList<VectorSetInfo> ListVectorSets() => _vectors.List();

    /// <summary>A vector set's file, memory-mapped, cached and shared (do not dispose it; the dataset does).
    /// An unknown name, a missing or damaged file, or a count other than the table's rows is a <see cref="UserErrorException"/>.</summary>
    public Trawl.Vectors.Storage.VectorSetFile OpenVectorSet(string name) => _vectors.Open(name);

    /// <summary>Exact nearest neighbours in a vector set, optionally among the rows a table query matches.
    /// Bad input (unknown set or row, wrong dimension, NaN, k out of range) is a <see cref="UserErrorException"/>.</summary>
    public KnnResult Knn(KnnQuery query) => _vectors.Knn(query);

    /// <summary>Many queries at once (row-major, the set's dimension) as one blocked scan, with the template's set, k,
    /// deduplication and filter (its Row and Vector must be empty). Ids are rowids; scores are the metric's own
    /// (similarity for ip and cosine, squared distance for l2). No table rows are fetched.</summary>
    public KnnBatchResult KnnBatch(KnnQuery template, ReadOnlySpan<float> queries) => _vectors.KnnBatch(template, queries);

    /// <summary>The set named, or without a name the only set (of <paramref name="table"/> when given); else a
    /// <see cref="UserErrorException"/> naming the sets there are and <paramref name="chooseWith"/> (how the caller names one).</summary>
    public VectorSetInfo ChooseVectorSet(string? name, string? table = null, string chooseWith = "--vectors NAME") => _vectors.Choose(name, table, chooseWith);

    /// <summary>The rows the query's search, filters and where match, as a bitmap from the column files' row sets (or from
    /// <c>SELECT rowid</c> when they cannot answer); null when it matches every row.</summary>
    public RowSet? MatchingRows(TableQuery query, long rowCount, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        var table = GetTable(query.Table);
        var compiler = new QueryCompiler(table, query with { Table = table.Name });
        if (compiler.MatchesAll)
            return null;
        var bits = new ulong[(rowCount + 63) / 64];
        WithConnection(conn =>
        {
            // The column files' row set when they can answer (search, filters): no row is read.
            if (MatchColumnar(conn, table, query, cancel) is { } match)
            {
                ReadOnlySpan<ulong> words = match.Rows.Words;
                int n = Math.Min(words.Length, bits.Length);
                words[..n].CopyTo(bits);
                if (rowCount % 64 != 0 && bits.Length > 0)
                    bits[^1] &= (1UL << (int)(rowCount % 64)) - 1;
                return 0;
            }
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT t.\"rowid\" FROM {compiler.TableSql}{compiler.WhereSql()}";
            compiler.Bind(cmd);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                long id = r.GetInt64(0);
                if ((ulong)id < (ulong)rowCount)
                    bits[id >> 6] |= 1UL << (int)(id & 63);
            }
            return 0;
        }, query, cancel);
        return RowSet.FromBitmap(bits, rowCount);
    }

    public void Dispose()
    {
        _columnar.Dispose();
        _vectors.Dispose();
        _pool.Dispose();
        _presence?.Dispose();
    }

    internal T ReadWith<T>(Func<SqliteConnection, T> work, TableQuery? query = null) => WithConnection(work, query);

    // ---- internals ----------------------------------------------------------------------------

    /// <summary>A page from the column files: the order is the SQL path's (same cursor tokens), the rows of the page
    /// are read by rowid. Null when the order is by search rank or the sort column has no sortable file.</summary>
    private RowPage? ColumnarPage(SqliteConnection conn, QueryCompiler q, TableQuery query, ColumnarMatch match, PageCursor? cursor, int size, bool count, Stopwatch clock)
    {
        var order = PageOrder.For(q, query, RankLimit, limit => Math.Min(match.SearchMatches ?? 0, limit + 1L));
        long[]? positions;
        long offset = 0;
        if (RankedTerms(match, query) is { } terms && (cursor is null || PageOrder.Rank.Accepts(cursor)))
        {
            // bm25 over every match, however many: the ranking files hold what FTS5 would read row by row.
            order = PageOrder.Rank;
            offset = cursor?.Offset ?? 0;
            var ranking = match.Columns.Ranking!;
            // One word: its rows are the search's matches, already counted (fts5vocab would walk its whole doclist).
            var frequencies = terms.Count == 1 ? [match.SearchMatches!.Value] : FtsVocabulary.DocumentFrequencies(conn, ranking.FtsTable, terms);
            positions = ranking.Top(match.Rows, terms, frequencies, (int)Math.Min(int.MaxValue, offset + size + 1)).Skip((int)Math.Min(offset, int.MaxValue)).ToArray();
        }
        else if (order.IsRank || (cursor is not null && !order.Accepts(cursor)))
        {
            return null;
        }
        else if (order.Column is { } column)
        {
            if (match.Columns.Find(column) is not { } data)
                return null;
            positions = ColumnarSort.Top(data, match.Rows, order.Descending, size + 1, cursor is null ? null : (cursor.Value, cursor.RowId));
            if (positions is null)
                return null;
        }
        else
        {
            positions = RowidOrder(match.Rows, order.Descending, size + 1, cursor?.RowId);
        }
        var rows = new List<object?[]>(positions.Length);
        if (positions.Length > 0)
        {
            var byId = new Dictionary<long, object?[]>(positions.Length);
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT {q.SelectColumns} FROM {q.TableSql} WHERE t.\"rowid\" IN ({string.Join(",", positions)})";
            RunReader(cmd, r =>
            {
                while (r.Read())
                    byId[r.GetInt64(0)] = ReadRow(r, q.ColumnNames.Count);
            });
            foreach (long p in positions)
            {
                if (byId.TryGetValue(p, out var row))
                    rows.Add(row);
            }
        }
        string? next = null;
        if (rows.Count > size)
        {
            rows.RemoveAt(rows.Count - 1);
            next = order.CursorAfter(rows[^1], offset + size).Encode();
        }
        long? total = count ? match.Rows.Count() : null;
        return new RowPage(q.ColumnNames, rows, next, total, clock.Elapsed)
        {
            Ordering = order.Ordering(match.SearchMatches is not null && string.IsNullOrEmpty(query.Sort)),
            RankLimit = RankLimit,
        };
    }

    /// <summary>The query's tokens when the column files can rank it: a plain search (no sort) of single-token words
    /// on a table whose ranking files match its FTS index.</summary>
    private static IReadOnlyList<string>? RankedTerms(ColumnarMatch match, TableQuery query) =>
        string.IsNullOrEmpty(query.Sort) && query.SearchMode != SearchMode.Raw && !string.IsNullOrWhiteSpace(query.Search)
            && match.Columns.Ranking is not null && match.SearchMatches is > 0
            ? FtsQuery.PlainTokens(query.Search)
            : null;

    private static long[] RowidOrder(RowBitmap rows, bool descending, int k, long? after)
    {
        var result = new List<long>(k);
        if (!descending)
        {
            foreach (long p in rows.Positions())
            {
                if (after is { } a && p <= a)
                    continue;
                result.Add(p);
                if (result.Count == k)
                    break;
            }
            return result.ToArray();
        }
        for (long p = Math.Min(rows.Capacity - 1, (after ?? rows.Capacity) - 1); p >= 0 && result.Count < k; p--)
        {
            if (rows.Contains(p))
                result.Add(p);
        }
        return result.ToArray();
    }

    private sealed record Snapshot(IReadOnlyList<TableInfo> Tables, DateTime MetaWrite, long MetaSize, DateTime WalWrite, long WalSize);

    private Snapshot LoadSnapshot()
    {
        var file = new FileInfo(_metaDb);
        var wal = new FileInfo(_metaDb + "-wal");
        var conn = _pool.Rent();
        try
        {
            return new Snapshot(Bookkeeping.ReadTables(conn), file.LastWriteTimeUtc, file.Length, wal.Exists ? wal.LastWriteTimeUtc : default, wal.Exists ? wal.Length : -1);
        }
        finally
        {
            _pool.Return(conn);
        }
    }

    /// <summary>The table list, reloaded with a fresh pool when an ingest has replaced meta.db since (connections
    /// opened before still read the old file until they are returned, then they are closed).</summary>
    private Snapshot Current()
    {
        var file = new FileInfo(_metaDb);
        var snap = _snapshot;
        if (file.Exists && (file.LastWriteTimeUtc != snap.MetaWrite || file.Length != snap.MetaSize))
        {
            lock (_stateLock)
            {
                if (ReferenceEquals(snap, _snapshot))
                {
                    var old = _pool;
                    _pool = new ReadConnectionPool(_metaDb);
                    old.Dispose();
                    _snapshot = LoadSnapshot();
                }
                snap = _snapshot;
            }
        }
        else if (WalChanged(snap))
        {
            // An append in place committed (or is writing) through the WAL: same file, new table counts.
            lock (_stateLock)
            {
                if (ReferenceEquals(snap, _snapshot))
                    _snapshot = LoadSnapshot();
                snap = _snapshot;
            }
        }
        return snap;
    }

    private bool WalChanged(Snapshot snap)
    {
        var wal = new FileInfo(_metaDb + "-wal");
        return wal.Exists ? wal.LastWriteTimeUtc != snap.WalWrite || wal.Length != snap.WalSize : snap.WalSize != -1;
    }

    private (ReadConnectionPool Pool, SqliteConnection Connection) Rent()
    {
        Current();
        var pool = _pool;
        return (pool, pool.Rent());
    }

    private T WithConnection<T>(Func<SqliteConnection, T> work, TableQuery? query = null, CancellationToken cancel = default)
    {
        if (query?.TimeLimit is not { } limit)
            return WithConnectionUntil(work, query, cancel);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timer.CancelAfter(limit);
        try
        {
            return WithConnectionUntil(work, query, timer.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new SqlTimeoutException(limit);
        }
    }

    private T WithConnectionUntil<T>(Func<SqliteConnection, T> work, TableQuery? query, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        var (pool, conn) = Rent();
        // sqlite3_interrupt may be called from any thread; the registration is disposed (waiting for a running
        // callback) before the connection goes back to the pool, so an interrupt never reaches its next user.
        var interrupt = cancel.CanBeCanceled
            ? cancel.Register(static c => SQLitePCL.raw.sqlite3_interrupt(((SqliteConnection)c!).Handle), conn)
            : default;
        try
        {
            return work(conn);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SQLitePCL.raw.SQLITE_INTERRUPT && cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException("the query was stopped", e, cancel);
        }
        catch (SqliteException e)
        {
            throw Translate(e, query);
        }
        finally
        {
            interrupt.Dispose();
            pool.Return(conn);
        }
    }

    private static void RunReader(SqliteCommand cmd, Action<SqliteDataReader> read)
    {
        using var r = cmd.ExecuteReader();
        read(r);
    }

    private static long CappedMatchCount(SqliteConnection conn, QueryCompiler q, int limit)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = PageOrder.CappedMatchCountSql(q, limit);
        q.Bind(cmd);
        return (long)cmd.ExecuteScalar()!;
    }

    private static long CountWith(SqliteConnection conn, TableInfo table, QueryCompiler q)
    {
        if (q.MatchesAll)
            return table.RowCount;
        if (q.SearchOnly)
        {
            // Counting the FTS doclist alone is ~100x faster than joining every match back to the table.
            using var fts = conn.CreateCommand();
            string name = SqlNames.Quote(q.FtsTable!);
            fts.CommandText = $"SELECT count(*) FROM {name} WHERE {name} MATCH {q.MatchParameter}";
            q.Bind(fts);
            return (long)fts.ExecuteScalar()!;
        }
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM {q.TableSql}{q.WhereSql()}";
        q.Bind(cmd);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>SQLite errors caused by the query (bad FTS syntax in raw mode, a bad --where) are the user's to fix.</summary>
    private Exception Translate(SqliteException e, TableQuery? query = null)
    {
        string message = e.Message;
        const string prefix = "SQLite Error ";
        if (message.StartsWith(prefix, StringComparison.Ordinal))
        {
            int colon = message.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
                message = message[(colon + 2)..].Trim('\'', ' ', '.');
        }
        bool rawSearch = query is { SearchMode: SearchMode.Raw } && !string.IsNullOrWhiteSpace(query.Search);
        if (message.Contains("fts5", StringComparison.OrdinalIgnoreCase) || (rawSearch && e.SqliteErrorCode == 1))
            return new UserErrorException($"search syntax error in '{query?.Search}': {message}", e);
        if (e.SqliteErrorCode == 1)
            return new UserErrorException("query error: " + message, e);
        if (e.SqliteErrorCode is 11 or 26)
            return new UserErrorException($"{_metaDb} is damaged ({message}); ingest the sources again into a new dataset", e);
        return e;
    }

    internal static object?[] ReadRow(SqliteDataReader r, int n)
    {
        var row = new object?[n];
        for (int i = 0; i < n; i++)
            row[i] = ReadValue(r, i);
        return row;
    }

    internal static object? ReadValue(SqliteDataReader r, int i)
    {
        if (r.IsDBNull(i))
            return null;
        object v = r.GetValue(i);
        return v is DBNull ? null : v;
    }
}
