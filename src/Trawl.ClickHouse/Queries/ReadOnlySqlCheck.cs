using System.Text;
using Trawl.Store;

namespace Trawl.ClickHouse.Queries;

/// <summary>
/// Our own check on user SQL before the engine's readonly=1: exactly one statement, a reading first keyword, and no
/// FORMAT or INTO OUTFILE (the answer's format is ours; OUTFILE writes files). Words inside quotes and comments do not count.
/// </summary>
internal static class ReadOnlySqlCheck
{
    private static readonly HashSet<string> Starts = new(StringComparer.OrdinalIgnoreCase) { "SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "EXISTS" };

    public static void Check(string sql)
    {
        var words = Words(sql, out bool multiple);
        if (words.Count == 0)
            throw new UserErrorException("the SQL is empty");
        if (multiple)
            throw new UserErrorException("one statement at a time");
        if (!Starts.Contains(words[0]))
            throw new UserErrorException($"only reading statements are allowed (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN, EXISTS), not {words[0].ToUpperInvariant()}");
        for (int i = 0; i < words.Count; i++)
        {
            if (words[i].Equals("FORMAT", StringComparison.OrdinalIgnoreCase))
                throw new UserErrorException("FORMAT is not allowed: the answer's format is chosen by Trawl");
            if (words[i].Equals("OUTFILE", StringComparison.OrdinalIgnoreCase) && i > 0 && words[i - 1].Equals("INTO", StringComparison.OrdinalIgnoreCase))
                throw new UserErrorException("INTO OUTFILE is not allowed");
        }
    }

    /// <summary>Bare words outside quotes ('...', "...", `...`) and comments; <paramref name="multiple"/> when a ';' is followed by more, or sits in a comment.</summary>
    internal static List<string> Words(string sql, out bool multiple)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        multiple = false;
        bool ended = false;
        for (int i = 0; i < sql.Length; i++)
        {
            char c = sql[i];
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                if (ended)
                    multiple = true;
                word.Append(c);
                continue;
            }
            Flush();
            if (c is '\'' or '"' or '`')
            {
                if (ended)
                    multiple = true;
                for (i++; i < sql.Length && sql[i] != c; i++)
                {
                    if (sql[i] == '\\')
                        i++;
                }
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                int start = i;
                while (i < sql.Length && sql[i] != '\n')
                    i++;
                // Engines that split statements themselves (chDB) may not agree that a ';' in a comment is inert.
                multiple |= sql.AsSpan(start, i - start).Contains(';');
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                int end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                int stop = end < 0 ? sql.Length : end + 2;
                multiple |= sql.AsSpan(i, stop - i).Contains(';');
                i = stop - 1;
            }
            else if (c == ';')
            {
                ended = true;
            }
            else if (!char.IsWhiteSpace(c) && ended)
            {
                multiple = true;
            }
        }
        Flush();
        return words;

        void Flush()
        {
            if (word.Length > 0)
                words.Add(word.ToString());
            word.Clear();
        }
    }
}
