using System.Text;

namespace Trawl.Store.Queries;

/// <summary>
/// Turns what a person typed into an FTS5 query that means "all these words": every word becomes a
/// double-quoted string (so AND, OR, NOT, NEAR, *, -, ^, : and quotes lose their FTS meaning), and a
/// "quoted phrase" stays one phrase.
/// </summary>
internal static class FtsQuery
{
    /// <summary>The FTS5 query for plain text, or null when the text holds no searchable word.</summary>
    public static string? EscapePlain(string text)
    {
        var terms = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }
            if (text[i] == '"')
            {
                int close = text.IndexOf('"', i + 1);
                if (close > i)
                {
                    AddTerm(terms, text[(i + 1)..close]);
                    i = close + 1;
                    continue;
                }
            }
            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
                i++;
            AddTerm(terms, text[start..i]);
        }
        return terms.Count == 0 ? null : string.Join(' ', terms);
    }

    /// <summary>
    /// The FTS5 tokens of plain text when every word is one token FTS5 spells the same way we can (ASCII letters and
    /// digits, lower-cased); null otherwise (phrases, punctuation inside a word, other scripts), when only FTS5 can
    /// say what the query means.
    /// </summary>
    public static IReadOnlyList<string>? PlainTokens(string text)
    {
        var tokens = new List<string>();
        foreach (string word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            string w = word.Length >= 2 && word[0] == '"' && word[^1] == '"' ? word[1..^1] : word;
            if (w.Length == 0 || !w.All(char.IsAsciiLetterOrDigit))
                return null;
            tokens.Add(w.ToLowerInvariant());
        }
        return tokens.Count == 0 ? null : tokens;
    }

    private static void AddTerm(List<string> terms, string term)
    {
        // A term without letters or digits has no tokens for unicode61; FTS5 would reject or ignore it.
        if (!term.Any(char.IsLetterOrDigit))
            return;
        var sb = new StringBuilder(term.Length + 2).Append('"');
        foreach (char c in term)
        {
            if (c == '"')
                sb.Append('"');
            sb.Append(c);
        }
        terms.Add(sb.Append('"').ToString());
    }
}
