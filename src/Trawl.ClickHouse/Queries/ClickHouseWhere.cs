using System.Globalization;
using System.Text;
using Trawl.ClickHouse.Sql;
using Trawl.Store;
using Trawl.Store.Queries;
using static Trawl.ClickHouse.Sql.ClickHouseSql;

namespace Trawl.ClickHouse.Queries;

/// <summary>
/// A <see cref="TableQuery"/>'s search and filters as a ClickHouse WHERE clause, values escaped as literals.
/// Search: every word, and every "quoted phrase", must occur in one of the search columns as whole words,
/// case-insensitively (words are runs of letters and digits, as FTS5's unicode61 tokenizer splits them; a phrase's
/// words are consecutive with only separators between). A plain ASCII word is first <c>hasTokenCaseInsensitive</c> where the
/// engine has it; everything else is a substring test (<c>positionCaseInsensitiveUTF8</c>, cheap) narrowed by a regular
/// expression with word boundaries (<c>match</c>). On a column with our full-text index (<see cref="TextIndex"/>) the same
/// match is written over the indexed words, so the engine reads it from the index. FTS5 also folds diacritics; ClickHouse
/// does not (docs/clickhouse.md).
/// </summary>
internal static class ClickHouseWhere
{
    public static string For(ClickHouseTable table, TableQuery query, SqlDialect dialect)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            if (table.SearchColumns.Count == 0)
                throw new UserErrorException($"table '{table.Name}' has no text columns to search");
            var terms = Terms(query.Search);
            // One indexed search column: its words in one hasAllTokens call, one read of the index for them all.
            if (table.SearchColumns.Count == 1 && table.HasTextIndex(table.SearchColumns[0]) && terms.Count(t => t.Count == 1) > 1)
            {
                parts.Add(IndexedTermMatch(table.Column(table.SearchColumns[0]), terms.Where(t => t.Count == 1).Select(t => t[0]).ToList(), dialect, allWords: true));
                terms = terms.Where(t => t.Count > 1).ToList();
            }
            foreach (var term in terms)
                parts.Add(TermInAnyColumn(table, term, dialect));
        }
        foreach (var f in query.Filters)
            parts.Add(Filter(table, f));
        if (!string.IsNullOrWhiteSpace(query.Where))
            parts.Add("(" + query.Where + ")");
        return parts.Count == 0 ? "" : " WHERE " + string.Join(" AND ", parts);
    }

    /// <summary>A term (a word, or a phrase's words) found as whole words in one of the table's search columns.</summary>
    internal static string TermInAnyColumn(ClickHouseTable table, IReadOnlyList<string> term, SqlDialect dialect) =>
        "(" + string.Join(" OR ", table.SearchColumns.Select(c => table.HasTextIndex(c) ? IndexedTermMatch(table.Column(c), term, dialect) : TermMatch(Identifier(c), term, dialect))) + ")";

    /// <summary>The terms of a plain search: each "quoted phrase" and each word outside quotes, as its words (runs of
    /// letters and digits; other characters separate). Terms without words are dropped; repeated ones are kept once
    /// unless <paramref name="distinct"/> is false (bm25 counts a repeated term each time, as FTS5 does).</summary>
    internal static List<IReadOnlyList<string>> Terms(string text, bool distinct = true)
    {
        var terms = new List<IReadOnlyList<string>>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var parts = text.Split('"');
        for (int i = 0; i < parts.Length; i++)
        {
            // Odd parts are inside quotes; an unclosed quote's rest counts as a phrase too.
            var words = Words(parts[i]);
            IEnumerable<IReadOnlyList<string>> groups = i % 2 == 1 ? [words] : words.Select(w => (IReadOnlyList<string>)[w]);
            foreach (var g in groups)
            {
                if (g.Count > 0 && (seen.Add(string.Join(' ', g)) || !distinct))
                    terms.Add(g);
            }
        }
        return terms;
    }

    /// <summary>Words of a text: runs of letters and digits.</summary>
    internal static List<string> Words(string text)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                sb.Append(rune.ToString());
                continue;
            }
            if (sb.Length > 0)
                words.Add(sb.ToString());
            sb.Clear();
        }
        if (sb.Length > 0)
            words.Add(sb.ToString());
        return words;
    }

    private const string Separator = @"[^\p{L}\p{N}]";

    private static string TermMatch(string column, IReadOnlyList<string> words, SqlDialect dialect)
    {
        // hasTokenCaseInsensitive takes non-ASCII characters as part of a token ("red—car" is one token), so it only
        // accepts quickly; a row it refuses is checked as any term is (short-circuit OR, 21.x+).
        if (words.Count == 1 && dialect.HasTokenSearch && words[0].All(char.IsAsciiLetterOrDigit))
            return $"(hasTokenCaseInsensitive({column}, {String(words[0])}) OR (positionCaseInsensitiveUTF8({column}, {String(words[0])}) > 0 AND {WordsMatch(column, words)}))";
        // Words hold only letters and digits, so they need no escaping inside the pattern.
        // Both sides lower-cased rather than (?i): 18.16 checks a pattern's literal part case-sensitively before re2 runs.
        return "(" + string.Join(" AND ", words.Distinct(StringComparer.OrdinalIgnoreCase).Select(w => $"positionCaseInsensitiveUTF8({column}, {String(w)}) > 0"))
            + $" AND {WordsMatch(column, words)})";
    }

    /// <summary>The words, one after the other with only separators between, as a regular expression over the lower-cased text.</summary>
    private static string WordsMatch(string column, IReadOnlyList<string> words)
    {
        string pattern = $"(^|{Separator}){string.Join(Separator + "+", words.Select(w => w.ToLowerInvariant()))}({Separator}|$)";
        return $"match(lowerUTF8({column}), {String(pattern)})";
    }

    /// <summary>A term over a column with our text index (<see cref="TextIndex"/>): the same whole-word match, written over the
    /// indexed expression so the engine answers it from the index — a word is <c>hasAllTokens</c>, a phrase <c>hasPhrase</c>
    /// (26.4+; before, all its words from the index, then their order by the regular expression).</summary>
    /// <param name="allWords">The words are separate terms, each anywhere in the text (not a phrase).</param>
    private static string IndexedTermMatch(Engines.ColumnSpec column, IReadOnlyList<string> words, SqlDialect dialect, bool allWords = false)
    {
        string indexed = TextIndex.WordsExpression(column.Name, column.Type.StartsWith("Nullable(", StringComparison.Ordinal));
        var lower = words.Select(w => w.ToLowerInvariant()).ToList();
        if (lower.Count == 1 || allWords)
            return $"hasAllTokens({indexed}, [{string.Join(", ", lower.Distinct(StringComparer.Ordinal).Select(String))}])";
        if (dialect.HasPhraseSearch)
            return $"hasPhrase({indexed}, {String(string.Join(' ', lower))})";
        return $"(hasAllTokens({indexed}, [{string.Join(", ", lower.Distinct(StringComparer.Ordinal).Select(String))}]) AND {WordsMatch(Identifier(column.Name), words)})";
    }

    private static string Filter(ClickHouseTable table, ColumnFilter f)
    {
        var column = table.Column(f.Column);
        string col = Identifier(column.Name);
        bool numeric = ClickHouseTable.IsNumeric(column.Type);
        string Value(string v) => Literal(v, numeric, f.Column);
        switch (f.Op)
        {
            case FilterOp.Exact: return $"{col} = {Value(f.Value)}";
            case FilterOp.Not: return $"{col} != {Value(f.Value)}";
            case FilterOp.Gt: return $"{col} > {Value(f.Value)}";
            case FilterOp.Gte: return $"{col} >= {Value(f.Value)}";
            case FilterOp.Lt: return $"{col} < {Value(f.Value)}";
            case FilterOp.Lte: return $"{col} <= {Value(f.Value)}";
            case FilterOp.Contains: return $"positionCaseInsensitiveUTF8(toString({col}), {String(f.Value)}) > 0";
            case FilterOp.StartsWith: return $"positionCaseInsensitiveUTF8(toString({col}), {String(f.Value)}) = 1";
            case FilterOp.In:
                var values = ColumnFilter.InList(f.Value);
                return values.Count == 0 ? "0" : $"{col} IN ({string.Join(", ", values.Select(Value))})";
            case FilterOp.IsNull:
                return f.Value.Trim().ToLowerInvariant() switch
                {
                    "1" or "true" or "yes" or "" => $"isNull({col})",
                    "0" or "false" or "no" => $"isNotNull({col})",
                    _ => throw new UserErrorException($"{f.Column}__isnull: expected 1/true or 0/false, got '{f.Value}'"),
                };
            default:
                throw new UserErrorException($"unknown filter {f.Op}");
        }
    }

    private static string Literal(string value, bool numeric, string column)
    {
        if (!numeric)
            return String(value);
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
            return Int64(l);
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d))
            return Float64(d);
        throw new UserErrorException($"column '{column}' holds numbers; '{value}' is not one");
    }
}
