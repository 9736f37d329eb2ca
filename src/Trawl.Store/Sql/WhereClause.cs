namespace Trawl.Store.Sql;

/// <summary>
/// Checks an SQL condition from the web (Datasette's <c>_where</c>) before it is put in a query's WHERE: it must
/// stay one parenthesised expression (no statement separator, no comment that hides the rest, brackets and quotes
/// balanced). What it can do is then bounded by the read-only connections and the query's time limit.
/// </summary>
public static class WhereClause
{
    /// <summary>Longest condition accepted.</summary>
    public const int MaxLength = 10_000;

    /// <summary>A <see cref="UserErrorException"/> naming what is wrong, or nothing when the condition can be used.</summary>
    public static void Check(string condition, string parameter = "_where")
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (condition.Length > MaxLength)
            throw new UserErrorException($"{parameter}: longer than {MaxLength:N0} characters");
        if (string.IsNullOrWhiteSpace(condition))
            throw new UserErrorException($"{parameter}: empty condition");
        int depth = 0;
        for (int i = 0; i < condition.Length; i++)
        {
            char c = condition[i];
            if (c is '\'' or '"' or '`' or '[')
            {
                char close = c == '[' ? ']' : c;
                int end = i + 1;
                while (true)
                {
                    end = condition.IndexOf(close, end);
                    if (end < 0)
                        throw new UserErrorException($"{parameter}: unclosed {c} at character {i + 1}");
                    // A doubled quote inside a string is an escaped quote.
                    if (close != ']' && end + 1 < condition.Length && condition[end + 1] == close)
                    {
                        end += 2;
                        continue;
                    }
                    break;
                }
                i = end;
                continue;
            }
            switch (c)
            {
                case ';':
                    throw new UserErrorException($"{parameter}: one condition only (';' at character {i + 1})");
                case '-' when i + 1 < condition.Length && condition[i + 1] == '-':
                case '/' when i + 1 < condition.Length && condition[i + 1] == '*':
                    throw new UserErrorException($"{parameter}: comments are not allowed (character {i + 1})");
                case '(':
                    depth++;
                    break;
                case ')':
                    if (--depth < 0)
                        throw new UserErrorException($"{parameter}: ')' without '(' at character {i + 1}");
                    break;
            }
        }
        if (depth != 0)
            throw new UserErrorException($"{parameter}: {depth} '(' not closed");
    }
}
