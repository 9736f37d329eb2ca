using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Trawl.Store.Datasets;
using Trawl.Store.Sql;

namespace Trawl.Store.Queries;

/// <summary>
/// Turns a <see cref="TableQuery"/> into SQL over <c>"TABLE" AS t</c>: column names are checked against
/// the table and quoted, values are bound as parameters, search text is escaped unless raw mode is asked.
/// </summary>
internal sealed class QueryCompiler
{
    private readonly TableInfo _table;
    private readonly TableQuery _query;
    private readonly List<string> _conditions = [];
    private string? _searchCondition;
    private readonly List<(string Name, object Value)> _parameters = [];

    public QueryCompiler(TableInfo table, TableQuery query)
    {
        _table = table;
        _query = query;
        Compile();
    }

    public string TableSql => SqlNames.Quote(_table.Name) + " AS t";

    /// <summary>The FTS5 MATCH expression, or null when not searching.</summary>
    public string? Match { get; private set; }

    /// <summary>The parameter that holds <see cref="Match"/>.</summary>
    public string? MatchParameter { get; private set; }

    public string? FtsTable => _table.FtsTable;

    /// <summary>True when there is no search, filter or where: every row matches.</summary>
    public bool MatchesAll => _conditions.Count == 0;

    /// <summary>True when the search is the only condition, so counts can come from the FTS index alone.</summary>
    public bool SearchOnly => MatchParameter is not null && _conditions.Count == 1;

    public string SelectColumns => "t.\"rowid\"" + string.Concat(_table.Columns.Select(c => ", t." + SqlNames.Quote(c.Name)));

    public IReadOnlyList<string> ColumnNames => ["rowid", .. _table.Columns.Select(c => c.Name)];

    /// <summary>" WHERE ..." (or empty) with the search as a rowid IN (...) condition, plus extra conditions.</summary>
    public string WhereSql(params string[] extra)
    {
        var all = _conditions.Concat(extra).ToList();
        return all.Count == 0 ? "" : " WHERE " + string.Join(" AND ", all);
    }

    /// <summary>" WHERE ..." without the search condition, for queries that join the FTS table for ranking.</summary>
    public string WhereSqlWithoutSearch(params string[] extra)
    {
        var all = _conditions.Where(c => !ReferenceEquals(c, _searchCondition)).Concat(extra).ToList();
        return all.Count == 0 ? "" : " WHERE " + string.Join(" AND ", all);
    }

    /// <summary><paramref name="sql"/> with every bound parameter written in as an SQL literal, for a person to read.</summary>
    public string Inline(string sql)
    {
        // Highest index first, so $p1 does not eat the start of $p12.
        for (int i = _parameters.Count - 1; i >= 0; i--)
            sql = sql.Replace(_parameters[i].Name, Literal(_parameters[i].Value), StringComparison.Ordinal);
        return sql;
    }

    private static string Literal(object value) => value switch
    {
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => "'" + Convert.ToString(value, CultureInfo.InvariantCulture)!.Replace("'", "''") + "'",
    };

    public void Bind(SqliteCommand cmd)
    {
        foreach (var (name, value) in _parameters)
            cmd.Parameters.AddWithValue(name, value);
    }

    /// <summary>Binds the parameters to a statement prepared through the raw API (by name; unknown names are skipped).</summary>
    public void Bind(SQLitePCL.sqlite3_stmt stmt)
    {
        foreach (var (name, value) in _parameters)
        {
            int i = SQLitePCL.raw.sqlite3_bind_parameter_index(stmt, name);
            if (i <= 0) continue;
            int rc = value switch
            {
                long l => SQLitePCL.raw.sqlite3_bind_int64(stmt, i, l),
                int n => SQLitePCL.raw.sqlite3_bind_int64(stmt, i, n),
                double d => SQLitePCL.raw.sqlite3_bind_double(stmt, i, d),
                byte[] b => SQLitePCL.raw.sqlite3_bind_blob(stmt, i, b),
                bool f => SQLitePCL.raw.sqlite3_bind_int64(stmt, i, f ? 1 : 0),
                _ => SQLitePCL.raw.sqlite3_bind_text(stmt, i, Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
            };
            if (rc != SQLitePCL.raw.SQLITE_OK) throw new SqliteException($"SQLite error {rc} binding {name}", rc);
        }
    }

    public string AddParameter(object value)
    {
        string name = "$p" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
        _parameters.Add((name, value));
        return name;
    }

    /// <summary>A column of the table (or rowid), quoted with the t. prefix; unknown names are a user error.</summary>
    public string ColumnSql(string name, out ColumnInfo? column)
    {
        if (name.Equals("rowid", StringComparison.OrdinalIgnoreCase))
        {
            column = null;
            return "t.\"rowid\"";
        }
        column = _table.FindColumn(name) ?? throw new UserErrorException(
            $"table '{_table.Name}' has no column '{name}' (columns: {string.Join(", ", _table.Columns.Select(c => c.Name))})");
        return "t." + SqlNames.Quote(column.Name);
    }

    private void Compile()
    {
        var (searching, match) = FtsQuery.For(_table, _query);
        if (searching)
        {
            Match = match;
            if (Match is null)
            {
                // Only punctuation: nothing can match.
                _conditions.Add("0");
            }
            else
            {
                string p = AddParameter(Match);
                MatchParameter = p;
                string fts = SqlNames.Quote(_table.FtsTable!);
                _searchCondition = $"t.\"rowid\" IN (SELECT rowid FROM {fts} WHERE {fts} MATCH {p})";
                _conditions.Add(_searchCondition);
            }
        }
        foreach (var f in _query.Filters)
            _conditions.Add(Filter(f));
        if (!string.IsNullOrWhiteSpace(_query.Where))
            _conditions.Add("(" + _query.Where + ")");
    }

    private string Filter(ColumnFilter f)
    {
        string col = ColumnSql(f.Column, out var info);
        bool numeric = info is null || info.SqlType.IsNumeric();
        switch (f.Op)
        {
            case FilterOp.Exact: return $"{col} = {AddParameter(Typed(f.Value, numeric))}";
            case FilterOp.Not: return $"{col} != {AddParameter(Typed(f.Value, numeric))}";
            case FilterOp.Gt: return $"{col} > {AddParameter(Typed(f.Value, numeric))}";
            case FilterOp.Gte: return $"{col} >= {AddParameter(Typed(f.Value, numeric))}";
            case FilterOp.Lt: return $"{col} < {AddParameter(Typed(f.Value, numeric))}";
            case FilterOp.Lte: return $"{col} <= {AddParameter(Typed(f.Value, numeric))}";
            case FilterOp.Contains: return $"{col} LIKE {AddParameter("%" + EscapeLike(f.Value) + "%")} ESCAPE '\\'";
            case FilterOp.NotContains: return $"{col} NOT LIKE {AddParameter("%" + EscapeLike(f.Value) + "%")} ESCAPE '\\'";
            case FilterOp.StartsWith: return $"{col} LIKE {AddParameter(EscapeLike(f.Value) + "%")} ESCAPE '\\'";
            case FilterOp.EndsWith: return $"{col} LIKE {AddParameter("%" + EscapeLike(f.Value))} ESCAPE '\\'";
            case FilterOp.Like: return $"{col} LIKE {AddParameter(f.Value)}";
            case FilterOp.NotLike: return $"{col} NOT LIKE {AddParameter(f.Value)}";
            case FilterOp.Glob: return $"{col} GLOB {AddParameter(f.Value)}";
            case FilterOp.In:
            case FilterOp.NotIn:
                var values = ColumnFilter.InList(f.Value);
                if (values.Count == 0)
                    return f.Op == FilterOp.In ? "0" : $"{col} IS NOT NULL";
                return $"{col} {(f.Op == FilterOp.In ? "IN" : "NOT IN")} ({string.Join(", ", values.Select(v => AddParameter(Typed(v, numeric))))})";
            case FilterOp.ArrayContains: return $"{ArrayFunctions.Contains}({col}, {AddParameter(f.Value)})";
            case FilterOp.ArrayNotContains: return $"NOT {ArrayFunctions.Contains}({col}, {AddParameter(f.Value)})";
            case FilterOp.Date: return $"date({col}) = {AddParameter(f.Value)}";
            case FilterOp.IsNull: return f.Flag ? $"{col} IS NULL" : $"{col} IS NOT NULL";
            case FilterOp.NotNull: return f.Flag ? $"{col} IS NOT NULL" : $"{col} IS NULL";
            case FilterOp.IsBlank: return f.Flag ? $"({col} IS NULL OR {col} = '')" : $"({col} IS NOT NULL AND {col} != '')";
            case FilterOp.NotBlank: return f.Flag ? $"({col} IS NOT NULL AND {col} != '')" : $"({col} IS NULL OR {col} = '')";
            default:
                throw new UserErrorException($"unknown filter {f.Op}");
        }
    }

    /// <summary>A value bound as a number when the column is numeric and the text is one, so 10 &gt; 9 compares as numbers.</summary>
    internal static object Typed(string value, bool numeric)
    {
        if (numeric)
        {
            if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
                return l;
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d))
                return d;
        }
        return value;
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
