using static Trawl.ClickHouse.Sql.ClickHouseSql;

namespace Trawl.ClickHouse.Sql;

/// <summary>
/// The full-text index <c>trawl push</c> puts on each search column of servers that have one (<c>TYPE text</c>, GA in
/// 26.2): an index over the column's words as our search sees them — the text lower-cased, every run of characters that
/// are not letters or digits replaced by one space — split on that space. Its tokens are exactly the words the WHERE
/// matches (FTS5's unicode61 words, lower-cased), so <c>hasAllTokens</c> and <c>hasPhrase</c> over the same expression
/// match what the regular-expression route matches, and the engine answers them from the index (an index defined on an
/// expression is used when the statement holds the same expression).
/// </summary>
public static class TextIndex
{
    private const string Separators = @"[^\p{L}\p{N}]+";

    /// <summary>The index's name: found by it in system.data_skipping_indices.</summary>
    public static string Name(string column) => "trawl_words_" + column;

    /// <summary>The indexed expression: the column's words, lower-cased, separated by single spaces (a NULL is no words).</summary>
    public static string WordsExpression(string column, bool nullable)
    {
        string col = Identifier(column);
        if (nullable)
            col = $"ifNull({col}, '')";
        return $"replaceRegexpAll(lowerUTF8({col}), {String(Separators)}, ' ')";
    }

    /// <summary>The INDEX clause of CREATE TABLE.</summary>
    public static string Declaration(string column, bool nullable) =>
        $"INDEX {Identifier(Name(column))} {WordsExpression(column, nullable)} TYPE text(tokenizer = splitByString([' ']))";
}
