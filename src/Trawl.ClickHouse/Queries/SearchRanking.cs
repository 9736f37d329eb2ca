using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Trawl.ClickHouse.Engines;
using static Trawl.ClickHouse.Sql.ClickHouseSql;

namespace Trawl.ClickHouse.Queries;

/// <summary>
/// bm25 relevance for a search over a pushed table, computed by the engine with FTS5's formula (k1 = 1.2, b = 0.75,
/// every search column weighted 1): for each term of the search (a word or a "quoted phrase", repeats counted as FTS5
/// counts them), idf × tf × (k1 + 1) / (tf + k1 × (1 − b + b × D / avgdl)), summed, higher first. Words are runs of
/// letters and digits of the lower-cased text (<c>extractAll(lowerUTF8(col), '[\p{L}\p{N}]+')</c>); tf counts a word's
/// (or a phrase's consecutive words') occurrences over the search columns, D the row's words. The corpus figures FTS5
/// keeps in its index — rows, words in all rows, rows holding each term — are counted by the engine once per table and
/// term and kept here, so a page is one statement.
/// </summary>
internal sealed class SearchRanking
{
    private const string WordPattern = @"[\p{L}\p{N}]+";
    private const int MaxCachedTerms = 10_000;
    private readonly ClickHouseTable _table;
    private readonly Func<string, QueryResult> _query;
    private readonly ConcurrentDictionary<string, long> _termRows = new(StringComparer.Ordinal);
    private (long Rows, long Words)? _totals;

    public SearchRanking(ClickHouseTable table, Func<string, QueryResult> query)
    {
        _table = table;
        _query = query;
    }

    /// <summary>The score of a row for <paramref name="search"/>, as a ClickHouse expression over the table's columns.</summary>
    public string ScoreSql(string search, CancellationToken cancel = default)
    {
        var terms = ClickHouseWhere.Terms(search, distinct: false);
        if (terms.Count == 0)
            return "0";
        var (rows, words) = Totals();
        var missing = terms.Select(Key).Distinct().Where(k => !_termRows.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            CountTermRows(terms.Where(t => missing.Contains(Key(t))).DistinctBy(Key).ToList());
        cancel.ThrowIfCancellationRequested();

        // The row's words per search column, named once and reused by every term.
        var columns = _table.SearchColumns.Select((c, i) => (Words: $"_trawl_w{i}", Sql: WordsSql(c))).ToList();
        string docLength = string.Join(" + ", columns.Select(c => $"length(({c.Sql}) AS {c.Words})"));
        string norm = $"((1 - 0.75) + 0.75 * ({docLength}) / ({Int64(words)} / {Int64(Math.Max(rows, 1))}))";
        var score = new StringBuilder();
        for (int t = 0; t < terms.Count; t++)
        {
            // FTS5: idf = log((N - n + 0.5) / (n + 0.5)), at least 1e-6.
            long n = _termRows[Key(terms[t])];
            double idf = Math.Log((rows - n + 0.5) / (n + 0.5));
            if (idf <= 0.0)
                idf = 1e-6;
            string tf = string.Join(" + ", columns.Select(c => TermFrequency(c.Words, terms[t])));
            string freq = $"_trawl_tf{t}";
            string term = $"{Float64(idf)} * ((({tf}) AS {freq}) * (1.2 + 1.0) / ({freq} + 1.2 * {(t == 0 ? $"({norm} AS _trawl_norm)" : "_trawl_norm")}))";
            score.Append(t == 0 ? term : " + " + term);
        }
        return score.ToString();
    }

    private static string Key(IReadOnlyList<string> term) => string.Join(' ', term.Select(w => w.ToLowerInvariant()));

    private string WordsSql(string column)
    {
        var spec = _table.Column(column);
        string col = Identifier(spec.Name);
        if (spec.Type.StartsWith("Nullable(", StringComparison.Ordinal))
            col = $"ifNull({col}, '')";
        return $"extractAll(lowerUTF8({col}), {String(WordPattern)})";
    }

    /// <summary>Occurrences of a word (<c>countEqual</c>) or of a phrase's words one after the other in a row's words.</summary>
    private static string TermFrequency(string words, IReadOnlyList<string> term)
    {
        if (term.Count == 1)
            return $"countEqual({words}, {String(term[0].ToLowerInvariant())})";
        // The words shifted left by 1, 2, ... positions, passed to the lambda as arrays of their own: a lambda that
        // captured the words array would have it copied for every element (quadratic in a caption's length on 18.16).
        var arrays = new List<string> { words };
        for (int i = 1; i < term.Count; i++)
            arrays.Add($"arrayPushBack(arrayPopFront({arrays[^1]}), '')");
        var args = term.Select((_, i) => $"_trawl_a{i}").ToList();
        var at = term.Select((w, i) => $"{args[i]} = {String(w.ToLowerInvariant())}");
        return $"arraySum(arrayMap(({string.Join(", ", args)}) -> {string.Join(" AND ", at)}, {string.Join(", ", arrays)}))";
    }

    private (long Rows, long Words) Totals()
    {
        if (_totals is { } known)
            return known;
        string words = string.Join(" + ", _table.SearchColumns.Select(c => $"length({WordsSql(c)})"));
        var r = _query($"SELECT count(), sum({words}) FROM {Identifier(_table.Name)}").Rows[0];
        var totals = (Convert.ToInt64(r[0], CultureInfo.InvariantCulture), r[1] is null ? 0 : Convert.ToInt64(r[1], CultureInfo.InvariantCulture));
        _totals = totals;
        return totals;
    }

    /// <summary>Rows holding each term, in one scan (the same whole-word match as the WHERE).</summary>
    private void CountTermRows(List<IReadOnlyList<string>> terms)
    {
        string table = Identifier(_table.Name);
        // With the full-text index each term is its own count under a WHERE, which the index answers; countIf would
        // evaluate the term on every row.
        string sql = _table.SearchColumns.All(_table.HasTextIndex)
            ? "SELECT " + string.Join(", ", terms.Select(t => $"(SELECT count() FROM {table} WHERE {ClickHouseWhere.TermInAnyColumn(_table, t, _table.Dialect)})"))
            : $"SELECT {string.Join(", ", terms.Select(t => $"countIf({ClickHouseWhere.TermInAnyColumn(_table, t, _table.Dialect)})"))} FROM {table}";
        var row = _query(sql).Rows[0];
        if (_termRows.Count > MaxCachedTerms)
            _termRows.Clear();
        for (int i = 0; i < terms.Count; i++)
            _termRows[Key(terms[i])] = Convert.ToInt64(row[i], CultureInfo.InvariantCulture);
    }
}
