using System.Diagnostics;
using System.Globalization;
using System.Text;
using Trawl.ClickHouse.Engines;
using Trawl.ClickHouse.Push;
using Trawl.ClickHouse.Queries;
using Trawl.Store;
using Trawl.Store.Contracts;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;
using Trawl.Store.Sql;
using Trawl.Store.VectorSets;
using Trawl.Vectors;
using Trawl.Vectors.Search;
using static Trawl.ClickHouse.Sql.ClickHouseSql;
using SqlDialect = Trawl.Store.Contracts.SqlDialect;

namespace Trawl.ClickHouse.Datasets;

/// <summary>
/// A ClickHouse database of pushed tables behind the store contracts, so pages, API, search, facets, SQL and kNN work
/// on it as on a dataset folder. Every question is one statement pushed down (<see cref="ClickHouseTable"/>); pages
/// continue from a keyset cursor (<see cref="KeysetCursor"/>). Tables are those with an Int64 id first; <c>_trawl_*</c> bookkeeping and the <c>*_local</c> part
/// of a Distributed table are left out.
/// </summary>
public sealed class ClickHouseDataset : IDatasetSource
{
    private readonly IClickHouseEngine _engine;
    private readonly Lazy<IReadOnlyList<(TableInfo Info, ClickHouseTable Table)>> _tables;
    private readonly Lazy<IReadOnlyList<(VectorSetInfo Info, string Column)>> _sets;

    public ClickHouseDataset(IClickHouseEngine engine, string location)
    {
        _engine = engine;
        Location = location;
        _tables = new(LoadTables);
        _sets = new(LoadVectorSets);
    }

    public string Name => _engine.Database;

    public string Location { get; }

    public BackendCapabilities Capabilities => new("clickhouse", SqlDialect.ClickHouse, SearchSyntax.PlainOnly,
        Pushdown.Search | Pushdown.Filters | Pushdown.Where | Pushdown.Facets | Pushdown.Histograms | Pushdown.Knn);

    public string DataVersion
    {
        get
        {
            try
            {
                var r = _engine.Query($"SELECT count(), toString(max(pushed_at)) FROM {Identifier(DatasetPush.RecordTable)}").Rows[0];
                return $"{r[0]}-{r[1]}";
            }
            catch (ClickHouseException)
            {
                return "0";
            }
        }
    }

    public long SizeOnDisk()
    {
        try
        {
            return _engine.Query($"SELECT sum(bytes) FROM system.parts WHERE database = {String(_engine.Database)} AND active").ScalarInt64();
        }
        catch (ClickHouseException)
        {
            return 0;
        }
    }

    public void Dispose() => _engine.Dispose();

    // ---- tables ----------------------------------------------------------------------------

    public IReadOnlyList<TableInfo> ListTables() => _tables.Value.Select(t => t.Info).ToList();

    public TableInfo GetTable(string name) => Find(name).Info;

    private (TableInfo Info, ClickHouseTable Table) Find(string name) =>
        _tables.Value.FirstOrDefault(t => t.Info.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Table: not null } found
            ? found
            : throw new UserErrorException($"{Location} has no table '{name}' (tables: {string.Join(", ", _tables.Value.Select(t => t.Info.Name))})");

    private List<(TableInfo, ClickHouseTable)> LoadTables()
    {
        var names = _engine.Query($"SELECT name FROM system.tables WHERE database = {String(_engine.Database)} ORDER BY name").Rows.Select(r => (string)r[0]!).ToList();
        var result = new List<(TableInfo, ClickHouseTable)>();
        foreach (string name in names)
        {
            if (name.StartsWith("_trawl", StringComparison.Ordinal) || (name.EndsWith("_local", StringComparison.Ordinal) && names.Contains(name[..^6])))
                continue;
            var table = ClickHouseTable.Open(_engine, name);
            if (QueryResult.Unwrap(table.Columns[0].Type) != "Int64")
                continue;
            var columns = table.Columns.Skip(1).Where(c => !table.VectorColumns.Contains(c.Name))
                .Select(c => new ColumnInfo(c.Name, SqlTypeOf(c.Type), RoleOf(c.Name))).ToList();
            long rows = table.Count(new TableQuery { Table = name });
            result.Add((new TableInfo(name, rows, columns, table.SearchColumns, null, null), table));
        }
        return result;
    }

    private static SqlType SqlTypeOf(string type)
    {
        string t = QueryResult.Unwrap(type);
        return t.StartsWith("Int", StringComparison.Ordinal) || t.StartsWith("UInt", StringComparison.Ordinal) ? SqlType.Integer
            : t.StartsWith("Float", StringComparison.Ordinal) ? SqlType.Real
            : SqlType.Text;
    }

    private static ColumnRole RoleOf(string name) =>
        name.Equals("url", StringComparison.OrdinalIgnoreCase) || name.EndsWith("_url", StringComparison.OrdinalIgnoreCase) ? ColumnRole.Url
        : name.Equals("caption", StringComparison.OrdinalIgnoreCase) || name.Equals("text", StringComparison.OrdinalIgnoreCase) ? ColumnRole.Caption
        : ColumnRole.None;

    private static void CheckSearch(TableQuery query)
    {
        if (query.SearchMode == SearchMode.Raw && !string.IsNullOrWhiteSpace(query.Search))
            throw new UserErrorException("ClickHouse datasets take plain searches only (words, \"phrases\"), not FTS5 syntax");
    }

    public RowPage QueryRows(TableQuery query, bool count = true)
    {
        CheckSearch(query);
        var clock = Stopwatch.StartNew();
        var (_, table) = Find(query.Table);
        var after = string.IsNullOrEmpty(query.Next) ? null : KeysetCursor.Decode(query.Next);
        var page = table.Page(query, after);
        long? total = count ? table.Count(query) : null;
        var ordering = table.IsRanked(query) ? PageOrdering.Relevance : table.SortColumn(query) is not null ? PageOrdering.Column : PageOrdering.RowId;
        return new RowPage(RowidFirst(page.Columns), page.Rows, page.Next?.Encode(), total, clock.Elapsed) { Ordering = ordering };
    }

    private static IReadOnlyList<string> RowidFirst(IReadOnlyList<string> columns) => ["rowid", .. columns.Skip(1)];

    public long CountRows(TableQuery query, CancellationToken cancel = default)
    {
        CheckSearch(query);
        return Find(query.Table).Table.Count(query, cancel);
    }

    public FacetResult Facet(TableQuery query, string column, int limit = 30, CancellationToken cancel = default)
    {
        CheckSearch(query);
        return Find(query.Table).Table.Facet(query, column, limit, cancel);
    }

    public IReadOnlyList<string> SuggestFacets(string table, int maxDistinct = 30)
    {
        var (info, t) = Find(table);
        var candidates = info.Columns.Where(c => c.Role != ColumnRole.Caption && !info.SearchColumns.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (candidates.Count == 0)
            return [];
        var row = _engine.Query($"SELECT {string.Join(", ", candidates.Select(c => $"uniqExact({Identifier(c.Name)})"))} FROM {Identifier(t.Name)}",
            new QuerySettings { ReadOnly = true, MaxExecutionSeconds = t.TimeLimitSeconds }).Rows[0];
        return candidates.Where((c, i) => (long)row[i]! >= 2 && (long)row[i]! <= maxDistinct).Select(c => c.Name).ToList();
    }

    public Histogram Histogram(TableQuery query, string column, int bins = 20, CancellationToken cancel = default)
    {
        CheckSearch(query);
        var (_, table) = Find(query.Table);
        var spec = table.Column(column);
        if (!ClickHouseTable.IsNumeric(spec.Type))
            throw new UserErrorException($"column '{spec.Name}' holds {spec.Type} values; a histogram needs a numeric column");
        return table.Histogram(query, spec.Name, Math.Clamp(bins, 1, 1000), cancel);
    }

    public (IReadOnlyList<string> Columns, object?[] Values)? GetRow(string table, long rowid)
    {
        var (_, t) = Find(table);
        var page = t.Page(new TableQuery { Table = t.Name, Size = 1, Where = $"{Identifier(t.IdColumn)} = {rowid}" });
        return page.Rows.Count == 0 ? null : (RowidFirst(page.Columns), page.Rows[0]);
    }

    public IEnumerable<object?[]> StreamRows(TableQuery query, out IReadOnlyList<string> columns)
    {
        CheckSearch(query);
        var (_, table) = Find(query.Table);
        columns = RowidFirst(table.Columns.Where(c => !table.VectorColumns.Contains(c.Name)).Select(c => c.Name).ToList());
        // As the embedded store streams: a search without a sort by relevance when the search alone matches at most
        // StreamRankLimit rows (a few ranked pages continued by offset), else in id order, which pages by the primary
        // key instead of re-ranking every match for every page.
        bool ranked = table.IsRanked(query)
            && table.CountUpTo(new TableQuery { Table = table.Name, Search = query.Search, SearchMode = query.SearchMode }, ITableSource.StreamRankLimit + 1) <= ITableSource.StreamRankLimit;
        return Stream(table, query with { Size = 1000, Sort = ranked || !string.IsNullOrEmpty(query.Sort) ? query.Sort : "rowid" });
    }

    private static IEnumerable<object?[]> Stream(ClickHouseTable table, TableQuery query)
    {
        KeysetCursor? after = null;
        do
        {
            var page = table.Page(query, after);
            foreach (var row in page.Rows)
                yield return row;
            after = page.Next;
        }
        while (after is not null);
    }

    public SqlResult ExecuteSql(string sql, SqlOptions? options = null)
    {
        options ??= new SqlOptions();
        if (options.Parameters is { Count: > 0 })
            throw new UserErrorException("ClickHouse SQL takes no :name parameters here; write the values into the statement");
        var clock = Stopwatch.StartNew();
        var any = _tables.Value.FirstOrDefault().Table ?? throw new UserErrorException($"{Location} has no pushed tables");
        var (result, truncated) = any.Sql(sql, options.TimeLimit, options.MaxRows);
        return new SqlResult(result.Columns.Select(c => c.Name).ToList(), result.Rows, truncated, clock.Elapsed);
    }

    // ---- row filter ------------------------------------------------------------------------

    public RowSet? MatchingRows(TableQuery query, long rowCount, CancellationToken cancel = default)
    {
        CheckSearch(query);
        if (string.IsNullOrWhiteSpace(query.Search) && query.Filters.Count == 0 && string.IsNullOrWhiteSpace(query.Where))
            return null;
        var (_, table) = Find(query.Table);
        var ids = _engine.Query($"SELECT {Identifier(table.IdColumn)} FROM {Identifier(table.Name)}{ClickHouseWhere.For(table, query, table.Dialect)}",
            new QuerySettings { ReadOnly = true, MaxExecutionSeconds = table.TimeLimitSeconds }, cancel).Rows.Select(r => (long)r[0]!).Where(id => id >= 0 && id < rowCount);
        return RowSet.FromIds(ids, rowCount);
    }

    // ---- vectors ---------------------------------------------------------------------------

    public IReadOnlyList<VectorSetInfo> ListVectorSets() => _sets.Value.Select(s => s.Info).ToList();

    private List<(VectorSetInfo, string)> LoadVectorSets()
    {
        var recorded = new Dictionary<(string, string), (string Set, VectorMetric Metric, int Dim)>();
        try
        {
            foreach (var r in _engine.Query($"SELECT `table`, `column`, `set`, metric, dimension FROM {Identifier(DatasetPush.VectorRecordTable)}").Rows)
                recorded[((string)r[0]!, (string)r[1]!)] = ((string)r[2]!, Enum.TryParse<VectorMetric>((string)r[3]!, out var m) ? m : VectorMetric.Cosine, (int)(long)r[4]!);
        }
        catch (ClickHouseException)
        {
            // Tables not made by trawl push: sets are named after their columns and searched by cosine.
        }
        var sets = new List<(VectorSetInfo, string)>();
        foreach (var (info, table) in _tables.Value)
        {
            foreach (string column in table.VectorColumns)
            {
                var (set, metric, dim) = recorded.TryGetValue((info.Name, column), out var rec) ? rec
                    : (column.EndsWith("_embedding", StringComparison.Ordinal) ? column[..^10] : column, VectorMetric.Cosine,
                        (int)_engine.Query($"SELECT length({Identifier(column)}) FROM {Identifier(info.Name)} LIMIT 1").Rows.Select(r => (long)r[0]!).FirstOrDefault());
                // Store's element types have no BFloat16: such a set reads as float32, its column type named in its location.
                string type = table.Column(column).Type;
                string location = type == "Array(Float32)" ? $"{info.Name}.{column}" : $"{info.Name}.{column} ({type})";
                sets.Add((new VectorSetInfo(set, info.Name, location, VectorElementType.Float32, dim, info.RowCount, metric, ""), column));
            }
        }
        return sets;
    }

    public VectorSetInfo ChooseVectorSet(string? name, string? table = null, string chooseWith = "--vectors NAME")
    {
        var sets = _sets.Value.Select(s => s.Info).Where(s => table is null || s.Table.Equals(table, StringComparison.OrdinalIgnoreCase)).ToList();
        if (name is not null)
            return sets.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new UserErrorException($"{Location} has no vector set '{name}' (sets: {string.Join(", ", sets.Select(s => s.Name))})");
        return sets.Count == 1 ? sets[0]
            : throw new UserErrorException(sets.Count == 0 ? $"{Location} has no vector sets"
                : $"{Location} has several vector sets ({string.Join(", ", sets.Select(s => s.Name))}); choose one with {chooseWith}");
    }

    public KnnResult Knn(KnnQuery query)
    {
        var clock = Stopwatch.StartNew();
        var (set, column, table) = Set(query.VectorSet);
        if (query.K < 1 || query.K > KnnQuery.MaxK)
            throw new UserErrorException($"k must be from 1 to {KnnQuery.MaxK}");
        var filter = query.Filter ?? new TableQuery { Table = set.Table };
        CheckSearch(filter);
        float[] vector = QueryVector(query, set, table);
        if (query.Row is { } row && query.RowVectorSet is null)
            filter = filter with { Where = (string.IsNullOrWhiteSpace(filter.Where) ? "" : $"({filter.Where}) AND ") + $"{Identifier(table.IdColumn)} != {row}" };
        var hits = table.Knn(column, vector, query.Deduplicate ? Math.Min(KnnQuery.MaxK * 3, query.K * DedupeCandidates) : query.K, set.Metric, filter);
        int dropped = 0;
        if (query.Deduplicate)
            (hits, dropped) = Deduplicate(table, column, hits, query.K);
        var columns = table.Columns.Where(c => !table.VectorColumns.Contains(c.Name)).ToList();
        var rows = new Dictionary<long, object?[]>();
        if (hits.Count > 0)
        {
            var r = _engine.Query($"SELECT {string.Join(", ", columns.Select(c => Identifier(c.Name)))} FROM {Identifier(table.Name)} WHERE {Identifier(table.IdColumn)} IN ({string.Join(", ", hits.Select(h => h.Id))})",
                new QuerySettings { ReadOnly = true, MaxExecutionSeconds = table.TimeLimitSeconds });
            foreach (var x in r.Rows)
                rows[(long)x[0]!] = x;
        }
        // The contract's similarity: inner product or cosine, or the negated squared distance for l2.
        var similarities = hits.Select(h => (float)(set.Metric == VectorMetric.L2 ? -(h.Score * h.Score) : h.Score)).ToList();
        return new KnnResult(set, RowidFirst(columns.Select(c => c.Name).ToList()), hits.Select(h => rows[h.Id]).ToList(), similarities, dropped, clock.Elapsed);
    }

    private static readonly int DedupeCandidates = new SearchOptions().DeduplicationCandidateFactor;

    /// <summary>As the embedded exact search does it: best first, a candidate whose cosine with a kept one is at least
    /// <see cref="SearchOptions.DefaultDeduplicationCosine"/> is dropped, until k are kept. The candidates' vectors
    /// (k × the candidate factor of them) come back in one statement.</summary>
    private (IReadOnlyList<KnnHit> Kept, int Dropped) Deduplicate(ClickHouseTable table, string column, IReadOnlyList<KnnHit> candidates, int k)
    {
        if (candidates.Count == 0)
            return (candidates, 0);
        var vectors = new Dictionary<long, float[]>();
        foreach (var r in _engine.Query($"SELECT {Identifier(table.IdColumn)}, {Identifier(column)} FROM {Identifier(table.Name)} WHERE {Identifier(table.IdColumn)} IN ({string.Join(", ", candidates.Select(h => h.Id))})",
                     new QuerySettings { ReadOnly = true, MaxExecutionSeconds = table.TimeLimitSeconds }).Rows)
            vectors[(long)r[0]!] = ((object?[])r[1]!).Select(o => (float)(double)o!).ToArray();
        var kept = new List<KnnHit>(k);
        int dropped = 0;
        foreach (var hit in candidates)
        {
            if (kept.Count == k)
                break;
            var v = vectors[hit.Id];
            if (kept.Any(h => Cosine(v, vectors[h.Id]) >= SearchOptions.DefaultDeduplicationCosine))
            {
                dropped++;
                continue;
            }
            kept.Add(hit);
        }
        return (kept, dropped);
    }

    // At most k × 3 candidates against k kept ones: not a scan over the data, so plain loops do.
    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    public KnnBatchResult KnnBatch(KnnQuery template, ReadOnlySpan<float> queries)
    {
        var (set, column, table) = Set(template.VectorSet);
        if (queries.Length % set.Dimension != 0)
            throw new UserErrorException($"the queries' length {queries.Length} is not a multiple of the dimension {set.Dimension}");
        var filter = template.Filter ?? new TableQuery { Table = set.Table };
        var results = new List<SearchResult>();
        for (int i = 0; i < queries.Length; i += set.Dimension)
        {
            var hits = table.Knn(column, queries.Slice(i, set.Dimension), template.K, set.Metric, filter);
            results.Add(new SearchResult(hits.Select(h => h.Id).ToArray(),
                hits.Select(h => (float)(set.Metric == VectorMetric.L2 ? h.Score * h.Score : h.Score)).ToArray()));
        }
        return new KnnBatchResult(results, null, null);
    }

    private (VectorSetInfo Set, string Column, ClickHouseTable Table) Set(string name)
    {
        var set = ChooseVectorSet(name);
        string column = _sets.Value.First(s => ReferenceEquals(s.Info, set)).Column;
        return (set, column, Find(set.Table).Table);
    }

    private float[] QueryVector(KnnQuery query, VectorSetInfo set, ClickHouseTable table)
    {
        if ((query.Row is null) == (query.Vector is null))
            throw new UserErrorException("give a row or a vector to search by, not both");
        if (query.Vector is { } v)
        {
            if (v.Length != set.Dimension)
                throw new UserErrorException($"the query vector has {v.Length} components; set '{set.Name}' has {set.Dimension}");
            if (v.Any(x => !float.IsFinite(x)))
                throw new UserErrorException("the query vector has a component that is not a finite number");
            return v;
        }
        var (from, column, fromTable) = query.RowVectorSet is null ? (set, _sets.Value.First(s => ReferenceEquals(s.Info, set)).Column, table) : Set(query.RowVectorSet);
        var r = _engine.Query($"SELECT {Identifier(column)} FROM {Identifier(fromTable.Name)} WHERE {Identifier(fromTable.IdColumn)} = {query.Row}").Rows;
        if (r.Count == 0)
            throw new UserErrorException($"table '{from.Table}' has no row {query.Row}");
        return ((object?[])r[0][0]!).Select(o => (float)(double)o!).ToArray();
    }
}
