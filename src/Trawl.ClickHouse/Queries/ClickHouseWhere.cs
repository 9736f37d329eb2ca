using System.Globalization;
using System.Text;
using Trawl.ClickHouse.Sql;
using Trawl.Store;
using Trawl.Store.Queries;
using static Trawl.ClickHouse.Sql.ClickHouseSql;

namespace Trawl.ClickHouse.Queries;

/// <summary>
/// A <see cref="TableQuery"/>'s search and filters as a ClickHouse WHERE clause, values escaped as literals.
/// Search: every word must occur in one of the search columns, case-insensitively — as a whole token with
/// <c>hasTokenCaseInsensitive</c> where the engine has it and the word is ASCII letters and digits, else as a substring
/// (<c>positionCaseInsensitiveUTF8</c>; 18.16 has nothing else). FTS5 matches tokens and folds diacritics, so results
/// can differ: docs/clickhouse.md lists how.
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
            foreach (string word in Words(query.Search))
                parts.Add("(" + string.Join(" OR ", table.SearchColumns.Select(c => WordMatch(Identifier(c), word, dialect))) + ")");
        }
        foreach (var f in query.Filters)
            parts.Add(Filter(table, f));
        if (!string.IsNullOrWhiteSpace(query.Where))
            parts.Add("(" + query.Where + ")");
        return parts.Count == 0 ? "" : " WHERE " + string.Join(" AND ", parts);
    }

    /// <summary>Words of the search text: runs of letters and digits (quotes and operators carry no meaning here).</summary>
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
        return words.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static string WordMatch(string column, string word, SqlDialect dialect) =>
        dialect.HasTokenSearch && word.All(char.IsAsciiLetterOrDigit)
            ? $"hasTokenCaseInsensitive({column}, {String(word)})"
            : $"positionCaseInsensitiveUTF8({column}, {String(word)}) > 0";

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
                var values = f.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                return values.Length == 0 ? "0" : $"{col} IN ({string.Join(", ", values.Select(Value))})";
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
