using Trawl.Store.Sql;

namespace Trawl.Store.Queries;

/// <summary>
/// How a page of rows is ordered and continued: by rowid, by a column with the rowid as tie-breaker (keyset:
/// the next page starts after the last (value, rowid) seen, with NULLs first ascending and last descending,
/// as SQLite sorts them), or by search rank (continued by offset, since ranks are not stable keys).
/// </summary>
/// <remarks>
/// A search without a sort is ordered by relevance (bm25) only when it matches at most <see cref="DefaultRankLimit"/>
/// rows: bm25 is computed for every match, which costs ~400 ms for a word in 180,000 of 1M captions. Larger
/// match sets come in rowid order straight from the FTS doclist, which stops after one page (~1 ms).
/// </remarks>
internal sealed class PageOrder
{
    /// <summary>Most matches a search may have and still be ordered by rank (by default).</summary>
    public const int DefaultRankLimit = 2_000;

    private const string RankKey = "_rank";

    private readonly string _key;
    private readonly string? _columnSql;
    private readonly int _columnIndex;
    private readonly bool _descending;

    private PageOrder(string key, string? columnSql, int columnIndex, bool descending)
    {
        _key = key;
        _columnSql = columnSql;
        _columnIndex = columnIndex;
        _descending = descending;
    }

    /// <summary>By search rank (the column files' bm25 or FTS5's), continued by offset.</summary>
    public static PageOrder Rank { get; } = new(RankKey, null, -1, false);

    public bool IsRank => _key == RankKey;

    /// <summary>The sort column's name, or null when ordered by rowid or rank.</summary>
    public string? Column => _columnSql is null || IsRank ? null : _key;

    public bool Descending => _descending;

    /// <summary>What the page says about its order (a search in rowid order was too large to rank).</summary>
    public PageOrdering Ordering(bool searching) =>
        IsRank ? PageOrdering.Relevance : Column is not null ? PageOrdering.Column : searching ? PageOrdering.RowIdUnranked : PageOrdering.RowId;

    /// <param name="cappedMatchCount">Counts the search's matches up to rankLimit + 1 (called only when searching without a sort).</param>
    public static PageOrder For(QueryCompiler q, TableQuery query, int rankLimit, Func<int, long> cappedMatchCount)
    {
        if (string.IsNullOrEmpty(query.Sort))
        {
            if (q.MatchParameter is not null && cappedMatchCount(rankLimit) <= rankLimit)
                return new PageOrder(RankKey, null, -1, false);
            return new PageOrder("rowid", null, 0, query.SortDescending);
        }
        string sql = q.ColumnSql(query.Sort, out var info);
        if (info is null)
            return new PageOrder("rowid", null, 0, query.SortDescending);
        int index = q.ColumnNames.ToList().FindIndex(n => n.Equals(info.Name, StringComparison.Ordinal));
        return new PageOrder(info.Name, sql, index, query.SortDescending);
    }

    /// <summary>SQL counting a search's matches, stopping at rankLimit + 1.</summary>
    public static string CappedMatchCountSql(QueryCompiler q, int rankLimit)
    {
        string fts = SqlNames.Quote(q.FtsTable!);
        return $"SELECT count(*) FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH {q.MatchParameter} LIMIT {rankLimit + 1})";
    }

    public bool Accepts(PageCursor cursor) =>
        string.Equals(cursor.Sort, _key, StringComparison.Ordinal) && cursor.Descending == _descending;

    public PageCursor CursorAfter(object?[] lastRow, long offset)
    {
        long id = lastRow[0] is long l ? l : 0;
        if (IsRank)
            return new PageCursor(_key, false, null, id, offset);
        return new PageCursor(_key, _descending, _columnSql is null ? null : lastRow[_columnIndex], id, 0);
    }

    /// <summary>The SELECT for a page after <paramref name="cursor"/> (null: the first), at most <paramref name="limit"/> rows (-1: all).</summary>
    public string PageSql(QueryCompiler q, PageCursor? cursor, int limit)
    {
        string dir = _descending ? "DESC" : "ASC";
        string limitSql = limit < 0 ? "" : $" LIMIT {limit}";
        if (IsRank)
        {
            string fts = SqlNames.Quote(q.FtsTable!);
            string offset = cursor is null || cursor.Offset <= 0 ? "" : $" OFFSET {cursor.Offset}";
            if (limit < 0 && offset.Length > 0)
                limitSql = " LIMIT -1";
            return $"SELECT {q.SelectColumns} FROM {q.TableSql} JOIN (SELECT rowid AS _trawl_r, rank AS _trawl_rank FROM {fts} WHERE {fts} MATCH {q.MatchParameter}) AS f ON f._trawl_r = t.\"rowid\"" +
                $"{q.WhereSqlWithoutSearch()} ORDER BY f._trawl_rank, t.\"rowid\"{limitSql}{offset}";
        }
        if (_columnSql is null)
        {
            string? after = cursor is null ? null : $"{(_descending ? "<" : ">")} {q.AddParameter(cursor.RowId)}";
            if (q.MatchParameter is not null)
            {
                // Driven by the FTS doclist in rowid order, so LIMIT stops after one page.
                string fts = SqlNames.Quote(q.FtsTable!);
                string from = $"(SELECT rowid AS _trawl_r FROM {fts} WHERE {fts} MATCH {q.MatchParameter}{(after is null ? "" : " AND rowid " + after)} ORDER BY rowid {dir}) AS f" +
                    $" JOIN {q.TableSql} ON t.\"rowid\" = f._trawl_r";
                return $"SELECT {q.SelectColumns} FROM {from}{q.WhereSqlWithoutSearch()} ORDER BY f._trawl_r {dir}{limitSql}";
            }
            string where = after is null ? q.WhereSql() : q.WhereSql("t.\"rowid\" " + after);
            return $"SELECT {q.SelectColumns} FROM {q.TableSql}{where} ORDER BY t.\"rowid\" {dir}{limitSql}";
        }
        string order = $" ORDER BY {_columnSql} {dir}, t.\"rowid\" {dir}";
        if (cursor is null)
            return $"SELECT {q.SelectColumns} FROM {q.TableSql}{q.WhereSql()}{order}{limitSql}";
        return $"SELECT {q.SelectColumns} FROM {q.TableSql}{q.WhereSql(KeysetCondition(q, cursor))}{order}{limitSql}";
    }

    private string KeysetCondition(QueryCompiler q, PageCursor cursor)
    {
        string c = _columnSql!;
        string id = q.AddParameter(cursor.RowId);
        if (!_descending)
        {
            // Ascending: NULLs come first, then values.
            if (cursor.Value is null)
                return $"(({c} IS NULL AND t.\"rowid\" > {id}) OR {c} IS NOT NULL)";
            string v = q.AddParameter(cursor.Value);
            return $"({c} > {v} OR ({c} = {v} AND t.\"rowid\" > {id}))";
        }
        // Descending: values first, NULLs last.
        if (cursor.Value is null)
            return $"({c} IS NULL AND t.\"rowid\" < {id})";
        string w = q.AddParameter(cursor.Value);
        return $"({c} < {w} OR ({c} = {w} AND t.\"rowid\" < {id}) OR {c} IS NULL)";
    }
}
