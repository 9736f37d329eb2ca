using System.Diagnostics;
using System.Text;
using Trawl.ClickHouse.Engines;
using Trawl.ClickHouse.Sql;
using Trawl.Store;
using Trawl.Store.Queries;
using Trawl.Vectors;
using static Trawl.ClickHouse.Sql.ClickHouseSql;

namespace Trawl.ClickHouse.Queries;

/// <summary>
/// A pushed table read through ClickHouse: counts, row pages, facets, histograms, exact kNN and read-only SQL,
/// each one statement pushed down to the engine (search, filters and kNN composed in the same WHERE), under
/// max_execution_time. The SQL differs by engine version through <see cref="SqlDialect"/>.
/// </summary>
public sealed class ClickHouseTable
{
    private readonly IClickHouseEngine _engine;
    private readonly Dictionary<string, ColumnSpec> _byName;

    private ClickHouseTable(IClickHouseEngine engine, string name, IReadOnlyList<ColumnSpec> columns)
    {
        _engine = engine;
        Name = name;
        Columns = columns;
        _byName = columns.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        Dialect = SqlDialect.For(engine.Version);
        IdColumn = columns[0].Name;
        VectorColumns = columns.Where(c => c.Type is "Array(Float32)" or "Array(BFloat16)").Select(c => c.Name).ToList();
        SearchColumns = ChooseSearchColumns(columns.Where(c => QueryResult.Unwrap(c.Type) == "String").Select(c => c.Name).ToList());
        _ranking = new SearchRanking(this, sql => _engine.Query(sql, Limits));
    }

    private readonly SearchRanking _ranking;

    /// <summary>Seconds any statement may run (max_execution_time).</summary>
    public int TimeLimitSeconds { get; set; } = 30;

    public string Name { get; }

    /// <summary>Columns in table order; the first is the row id (as <c>trawl push</c> makes it).</summary>
    public IReadOnlyList<ColumnSpec> Columns { get; }

    public string IdColumn { get; }

    public IReadOnlyList<string> VectorColumns { get; }

    /// <summary>Columns a search looks in: caption/text if there is one, else every String column.</summary>
    public IReadOnlyList<string> SearchColumns { get; }

    public SqlDialect Dialect { get; }

    /// <summary>The columns a search looks in, from the table's String columns: caption/text if there is one, else all of
    /// them (also what <c>trawl push</c> puts its full-text index on).</summary>
    internal static IReadOnlyList<string> ChooseSearchColumns(IReadOnlyList<string> textColumns)
    {
        var captions = textColumns.Where(c => c.Equals("caption", StringComparison.OrdinalIgnoreCase) || c.Equals("text", StringComparison.OrdinalIgnoreCase)).ToList();
        return captions.Count > 0 ? captions : textColumns;
    }

    private HashSet<string>? _textIndexed;

    /// <summary>Whether the column has our full-text index (<see cref="TextIndex"/>, by its name), so searches over it are
    /// written for the index.</summary>
    public bool HasTextIndex(string column)
    {
        if (!Dialect.HasTextIndex)
            return false;
        if (_textIndexed is null)
        {
            var names = _engine.Query($"SELECT name FROM system.data_skipping_indices WHERE database = {String(_engine.Database)} AND table = {String(Name)} AND type = 'text'")
                .Rows.Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
            _textIndexed = Columns.Where(c => names.Contains(TextIndex.Name(c.Name))).Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }
        return _textIndexed.Contains(column);
    }

    /// <summary>Reads the table's columns; an unknown table is a <see cref="UserErrorException"/>.</summary>
    public static ClickHouseTable Open(IClickHouseEngine engine, string table)
    {
        var columns = engine.Query($"SELECT name, type FROM system.columns WHERE database = {String(engine.Database)} AND table = {String(table)}")
            .Rows.Select(r => new ColumnSpec((string)r[0]!, (string)r[1]!)).ToList();
        if (columns.Count == 0)
            throw new UserErrorException($"{engine.Location} has no table '{table}'");
        return new ClickHouseTable(engine, table, columns);
    }

    public ColumnSpec Column(string name) =>
        _byName.TryGetValue(name, out var c) ? c
            : throw new UserErrorException($"table '{Name}' has no column '{name}' (columns: {string.Join(", ", Columns.Select(x => x.Name))})");

    internal static bool IsNumeric(string type)
    {
        string t = QueryResult.Unwrap(type);
        return t.StartsWith("Int", StringComparison.Ordinal) || t.StartsWith("UInt", StringComparison.Ordinal) || t.StartsWith("Float", StringComparison.Ordinal);
    }

    private QuerySettings Limits => new()
    {
        MaxExecutionSeconds = TimeLimitSeconds,
        ReadOnly = true,
        Other = Dialect.HasLazyMaterialization ? LazyMaterializationOff : new Dictionary<string, string>(),
    };

    // chDB 26.5 drops rows from ORDER BY … LIMIT pages when it reads the non-sort columns lazily (the contract suite's
    // sorted pages found it); the pages are correct without it.
    private static readonly Dictionary<string, string> LazyMaterializationOff = new() { ["query_plan_optimize_lazy_materialization"] = "0" };

    private string From(TableQuery query) => $" FROM {Identifier(Name)}{ClickHouseWhere.For(this, query, Dialect)}";

    public long Count(TableQuery query, CancellationToken cancel = default) =>
        _engine.Query("SELECT count()" + From(query), Limits, cancel).ScalarInt64();

    /// <summary>How many rows match, counting no further than <paramref name="limit"/>.</summary>
    public long CountUpTo(TableQuery query, long limit, CancellationToken cancel = default) =>
        _engine.Query($"SELECT count() FROM (SELECT {Identifier(IdColumn)}{From(query)} LIMIT {Math.Max(0, limit)})", Limits, cancel).ScalarInt64();

    /// <summary>The column a query sorts by, or null when it sorts by the id (no sort, or "rowid", or the id column).</summary>
    public ColumnSpec? SortColumn(TableQuery query) =>
        query.Sort is null || query.Sort.Equals("rowid", StringComparison.OrdinalIgnoreCase) || Column(query.Sort).Name == IdColumn
            ? null
            : Column(query.Sort);

    /// <summary>Whether a page of the query is ordered by relevance: a search without a sort (not even "rowid").</summary>
    public bool IsRanked(TableQuery query) => string.IsNullOrEmpty(query.Sort) && !string.IsNullOrWhiteSpace(query.Search) && SearchColumns.Count > 0;

    /// <summary>A page of rows (vector columns left out) in the query's order — its sort column (NULLs first ascending,
    /// the exact reverse descending) then the id — starting after <paramref name="after"/>. The cursor is a WHERE on
    /// (value, id), not an OFFSET: on the id order the engine skips by the primary key. A search without a sort is
    /// ordered by bm25 (<see cref="SearchRanking"/>), most relevant first, ties by id, and continued by offset.
    /// <c>Next</c> is null on the last page.</summary>
    public (IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows, KeysetCursor? Next) Page(TableQuery query, KeysetCursor? after = null, CancellationToken cancel = default)
    {
        int size = Math.Clamp(query.Size, 1, 1000);
        var shown = Columns.Where(c => !VectorColumns.Contains(c.Name)).ToList();
        if (IsRanked(query))
            return RankedPage(query, shown, size, after, cancel);
        if (after is { Kind: KeysetValueKind.Offset })
            throw new UserErrorException("the _next cursor belongs to a page with another sort");
        var sort = SortColumn(query);
        string dir = query.SortDescending ? "DESC" : "ASC";
        string id = Identifier(IdColumn);
        string order = sort is null
            ? $"{id} {dir}"
            : $"{Identifier(sort.Name)} {dir} NULLS {(query.SortDescending ? "LAST" : "FIRST")}, {id} {dir}";
        string orderKey = (query.SortDescending ? "-" : "+") + (sort?.Name ?? "");
        if (after is not null && after.Order != orderKey)
            throw new UserErrorException("the _next cursor belongs to a page with another sort");
        if (after is not null)
            query = query with { Where = (string.IsNullOrWhiteSpace(query.Where) ? "" : $"({query.Where}) AND ") + After(after, sort, query.SortDescending) };
        var r = _engine.Query($"SELECT {string.Join(", ", shown.Select(c => Identifier(c.Name)))}{From(query)} ORDER BY {order} LIMIT {size + 1}", Limits, cancel);
        var rows = r.Rows.ToList();
        KeysetCursor? next = null;
        if (rows.Count > size)
        {
            rows.RemoveAt(rows.Count - 1);
            var last = rows[^1];
            next = KeysetCursor.After((long)last[0]!, orderKey, sort is not null, sort is null ? null : last[shown.FindIndex(c => c.Name == sort.Name)]);
        }
        return (shown.Select(c => c.Name).ToList(), rows, next);
    }

    private (IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows, KeysetCursor? Next) RankedPage(TableQuery query, List<ColumnSpec> shown, int size, KeysetCursor? after, CancellationToken cancel)
    {
        if (after is not null && (after.Kind != KeysetValueKind.Offset || after.Order != "+"))
            throw new UserErrorException("the _next cursor belongs to a page with another sort");
        long offset = after?.Integer ?? 0;
        string score = _ranking.ScoreSql(query.Search!, cancel);
        var r = _engine.Query($"SELECT {string.Join(", ", shown.Select(c => Identifier(c.Name)))}, {score} AS _trawl_score{From(query)}" +
            $" ORDER BY _trawl_score DESC, {Identifier(IdColumn)} ASC LIMIT {offset}, {size + 1}", Limits, cancel);
        var rows = r.Rows.Select(row => row[..^1]).ToList();
        KeysetCursor? next = null;
        if (rows.Count > size)
        {
            rows.RemoveAt(rows.Count - 1);
            next = new KeysetCursor((long)rows[^1][0]!, KeysetValueKind.Offset, Integer: offset + size) { Order = "+" };
        }
        return (shown.Select(c => c.Name).ToList(), rows, next);
    }

    /// <summary>The bm25 scores of the rows of a search, best first (ties by id), up to <paramref name="limit"/>: what a
    /// ranked page orders by, for tests and tools.</summary>
    public IReadOnlyList<(long Id, double Score)> RankedIds(TableQuery query, int limit, CancellationToken cancel = default)
    {
        string score = _ranking.ScoreSql(query.Search ?? "", cancel);
        return _engine.Query($"SELECT {Identifier(IdColumn)}, {score} AS _trawl_score{From(query)} ORDER BY _trawl_score DESC, {Identifier(IdColumn)} ASC LIMIT {Math.Clamp(limit, 1, 100_000)}", Limits, cancel)
            .Rows.Select(row => ((long)row[0]!, Convert.ToDouble(row[1], System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>The rows after the cursor in the page order, as a condition.</summary>
    private string After(KeysetCursor after, ColumnSpec? sort, bool descending)
    {
        string id = Identifier(IdColumn), cmp = descending ? "<" : ">";
        string idAfter = $"{id} {cmp} {Int64(after.Id)}";
        if (sort is null)
            return after.Kind == KeysetValueKind.Unsorted ? idAfter : throw new UserErrorException("the _next cursor belongs to a page with another sort");
        if (after.Kind == KeysetValueKind.Unsorted)
            throw new UserErrorException("the _next cursor belongs to a page with another sort");
        string c = Identifier(sort.Name);
        if (after.Kind == KeysetValueKind.Null)
            return descending ? $"(isNull({c}) AND {idAfter})" : $"((isNull({c}) AND {idAfter}) OR isNotNull({c}))";
        string v = CursorLiteral(after, sort);
        return descending
            ? $"(isNull({c}) OR {c} < {v} OR ({c} = {v} AND {idAfter}))"
            : $"(isNotNull({c}) AND ({c} > {v} OR ({c} = {v} AND {idAfter})))";
    }

    /// <summary>The cursor's value as a literal of the column's type (a Float32 column compares with a Float32, not the double its text reads as).</summary>
    private static string CursorLiteral(KeysetCursor after, ColumnSpec column)
    {
        string type = QueryResult.Unwrap(column.Type);
        bool numeric = IsNumeric(column.Type);
        if (numeric != (after.Kind is KeysetValueKind.Integer or KeysetValueKind.Real))
            throw new UserErrorException("the _next cursor belongs to a page with another sort");
        string literal = after.Kind switch
        {
            KeysetValueKind.Integer => Int64(after.Integer),
            KeysetValueKind.Real => double.IsFinite(after.Real) ? Float64(after.Real) : after.Real > 0 ? "inf" : "-inf",
            _ => String(after.Text!),
        };
        return type == "Float32" ? $"toFloat32({literal})" : literal;
    }

    /// <summary>Top values of a column among the matching rows, most common first (ties by value).</summary>
    public FacetResult Facet(TableQuery query, string column, int limit = 30, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var c = Column(column);
        limit = Math.Clamp(limit, 1, 10_000);
        string col = Identifier(c.Name);
        var r = _engine.Query($"SELECT {col}, count() AS n{From(query)} GROUP BY {col} ORDER BY n DESC, {col} ASC LIMIT {limit + 1}", Limits, cancel);
        var values = r.Rows.Select(row => new FacetValue(row[0], (long)row[1]!)).ToList();
        bool truncated = values.Count > limit;
        if (truncated)
            values.RemoveAt(values.Count - 1);
        return new FacetResult(c.Name, values, truncated, clock.Elapsed);
    }

    /// <summary>Equal-width histogram of a numeric column among the matching rows (min and max first, then one GROUP BY).</summary>
    public Histogram Histogram(TableQuery query, string column, int bins, CancellationToken cancel = default)
    {
        string col = Identifier(Column(column).Name);
        string where = ClickHouseWhere.For(this, query, Dialect);
        var range = _engine.Query($"SELECT toFloat64(min({col})), toFloat64(max({col})), countIf(isNull({col})), countIf(isNotNull({col})) FROM {Identifier(Name)}{where}", Limits, cancel).Rows[0];
        long nulls = (long)range[2]!;
        if ((long)range[3]! == 0)
            return new Histogram(Column(column).Name, [], null, null, nulls);
        double lo = (double)range[0]!, hi = (double)range[1]!;
        if (hi == lo)
            bins = 1;
        double width = (hi - lo) / bins;
        var counts = new long[bins];
        string bin = width == 0 ? "0" : $"least(toInt64(floor(({col} - {Float64(lo)}) / {Float64(width)})), {bins - 1})";
        string notNull = where.Length == 0 ? $" WHERE isNotNull({col})" : $" AND isNotNull({col})";
        foreach (var r in _engine.Query($"SELECT {bin} AS b, count() FROM {Identifier(Name)}{where}{notNull} GROUP BY b", Limits, cancel).Rows)
            counts[Math.Clamp((long)r[0]!, 0, bins - 1)] += (long)r[1]!;
        var result = Enumerable.Range(0, bins).Select(i => new HistogramBin(lo + i * width, i == bins - 1 ? hi : lo + (i + 1) * width, counts[i])).ToList();
        return new Histogram(Column(column).Name, result, lo, hi, nulls);
    }

    /// <summary>Exact nearest neighbours of <paramref name="vector"/> in a vector column among the rows <paramref name="filter"/>
    /// matches: one ORDER BY distance LIMIT k statement (with a vector_similarity index on the column, the engine may answer
    /// from it). Ties by smaller id.</summary>
    public IReadOnlyList<KnnHit> Knn(string vectorColumn, ReadOnlySpan<float> vector, int k, VectorMetric metric, TableQuery? filter = null, CancellationToken cancel = default)
    {
        if (!VectorColumns.Contains(vectorColumn, StringComparer.OrdinalIgnoreCase))
            throw new UserErrorException($"table '{Name}' has no vector column '{vectorColumn}' (vector columns: {string.Join(", ", VectorColumns)})");
        if (k < 1 || k > 10_000)
            throw new UserErrorException("k must be from 1 to 10000");
        var column = Column(vectorColumn);
        filter ??= new TableQuery { Table = Name };
        var hits = _engine.Query(KnnSql(column, vector, k, metric, filter), KnnLimits(column, metric, filter), cancel).Rows.Select(r => new KnnHit((long)r[0]!, (double)r[1]!)).ToList();
        // An index filters after it searches: with a search or filters it can come back with fewer than k rows. Then
        // the exact statement over the matching rows answers (it never returns fewer than there are).
        if (hits.Count < k && UsesIndex(column, metric) && !IsUnfiltered(filter))
            hits = _engine.Query(KnnSql(column, vector, k, metric, filter, allowIndex: false), Limits, cancel).Rows.Select(r => new KnnHit((long)r[0]!, (double)r[1]!)).ToList();
        return hits;
    }

    /// <summary>The settings of a kNN statement. chDB 26.5 fails a statement that reads both a vector_similarity index
    /// and a text index ("Not found column _distance in block") unless the index's candidates are rescored from the
    /// vectors (vector_search_with_rescoring = 1), so such statements rescore.</summary>
    private QuerySettings KnnLimits(ColumnSpec column, VectorMetric metric, TableQuery filter)
    {
        var limits = Limits;
        if (string.IsNullOrWhiteSpace(filter.Search) || !UsesIndex(column, metric) || !SearchColumns.Any(HasTextIndex))
            return limits;
        return limits with { Other = new Dictionary<string, string>(limits.Other) { ["vector_search_with_rescoring"] = "1" } };
    }

    private static bool IsUnfiltered(TableQuery q) => string.IsNullOrWhiteSpace(q.Search) && q.Filters.Count == 0 && string.IsNullOrWhiteSpace(q.Where);

    private bool UsesIndex(ColumnSpec column, VectorMetric metric) =>
        Dialect.HasDistanceFunctions && IndexedDistance(column.Name) is { } d && d == (metric switch { VectorMetric.L2 => "L2Distance", VectorMetric.Cosine => "cosineDistance", _ => "" });

    /// <param name="allowIndex">False: the exact statement even where an index could answer (ties by id keep it off the index).</param>
    internal string KnnSql(ColumnSpec vectorColumn, ReadOnlySpan<float> vector, int k, VectorMetric metric, TableQuery filter, bool allowIndex = true)
    {
        string column = Identifier(vectorColumn.Name);
        string q = Float32Array(vector);
        // cosineDistance and L2Distance take a BFloat16 column as it is (so a vector_similarity index still serves
        // them); dotProduct refuses BFloat16 on 26.5, so its column is widened first.
        string dotColumn = vectorColumn.Type == "Array(BFloat16)" ? $"CAST({column} AS Array(Float32))" : column;
        string id = Identifier(IdColumn);
        string from = From(filter);
        if (Dialect.HasDistanceFunctions)
        {
            // A vector_similarity index answers only `ORDER BY distance LIMIT k`: no tie-break by id (and the answer
            // is approximate anyway).
            string ties = allowIndex && UsesIndex(vectorColumn, metric) ? "" : $", {id} ASC";
            return metric switch
            {
                VectorMetric.Cosine => $"SELECT {id}, 1 - cosineDistance({column}, {q}) AS score{from} ORDER BY cosineDistance({column}, {q}) ASC{ties} LIMIT {k}",
                VectorMetric.L2 => $"SELECT {id}, L2Distance({column}, {q}) AS score{from} ORDER BY L2Distance({column}, {q}) ASC{ties} LIMIT {k}",
                VectorMetric.InnerProduct => $"SELECT {id}, dotProduct({dotColumn}, {q}) AS score{from} ORDER BY score DESC, {id} ASC LIMIT {k}",
                _ => throw new UserErrorException($"ClickHouse kNN has no {metric} metric"),
            };
        }
        // 18.16: no distance functions; the same arithmetic over the arrays.
        string dot = $"arraySum(arrayMap((x, y) -> x * y, {column}, {q}))";
        double norm = 0;
        foreach (float f in vector)
            norm += (double)f * f;
        return metric switch
        {
            VectorMetric.Cosine => $"SELECT {id}, {dot} / (sqrt(arraySum(arrayMap(x -> x * x, {column}))) * {Float64(Math.Sqrt(norm))}) AS score{from} ORDER BY score DESC, {id} ASC LIMIT {k}",
            VectorMetric.L2 => $"SELECT {id}, sqrt(arraySum(arrayMap((x, y) -> (x - y) * (x - y), {column}, {q}))) AS score{from} ORDER BY score ASC, {id} ASC LIMIT {k}",
            VectorMetric.InnerProduct => $"SELECT {id}, {dot} AS score{from} ORDER BY score DESC, {id} ASC LIMIT {k}",
            _ => throw new UserErrorException($"ClickHouse kNN has no {metric} metric"),
        };
    }

    private Dictionary<string, string>? _vectorIndexes;

    /// <summary>The distance function of the vector_similarity index on a column ("cosineDistance", "L2Distance"), or null.</summary>
    internal string? IndexedDistance(string column)
    {
        if (!Dialect.HasVectorSimilarityIndex)
            return null;
        if (_vectorIndexes is null)
        {
            var found = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var r in _engine.Query($"SELECT expr, type_full FROM system.data_skipping_indices WHERE database = {String(_engine.Database)} AND table = {String(Name)} AND type = 'vector_similarity'").Rows)
            {
                string expr = ((string)r[0]!).Trim('`'), type = (string)r[1]!;
                found[expr] = type.Contains("L2Distance", StringComparison.Ordinal) ? "L2Distance" : type.Contains("cosineDistance", StringComparison.Ordinal) ? "cosineDistance" : "";
            }
            _vectorIndexes = found;
        }
        return _vectorIndexes.GetValueOrDefault(column);
    }

    /// <summary>User SQL, read-only: one statement starting with SELECT, WITH, SHOW, DESCRIBE, EXPLAIN or EXISTS, without FORMAT
    /// or INTO OUTFILE (our check), run under readonly=1 (the engine's check), max_execution_time and a row limit.</summary>
    public (QueryResult Result, bool Truncated) Sql(string sql, TimeSpan timeLimit, int maxRows, CancellationToken cancel = default)
    {
        ReadOnlySqlCheck.Check(sql);
        var settings = new QuerySettings
        {
            ReadOnly = true,
            MaxExecutionSeconds = Math.Max(1, (int)Math.Ceiling(timeLimit.TotalSeconds)),
            MaxResultRows = maxRows + 1L,
        };
        var r = _engine.Query(sql.Trim().TrimEnd(';'), settings, cancel);
        if (r.Rows.Count <= maxRows)
            return (r, false);
        return (new QueryResult(r.Columns, r.Rows.Take(maxRows).ToList()), true);
    }
}
