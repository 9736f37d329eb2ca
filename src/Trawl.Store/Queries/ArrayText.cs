using System.Globalization;
using System.Text;

namespace Trawl.Store.Queries;

/// <summary>
/// Reads a cell that holds a list: a JSON array (<c>["a", "b"]</c>) or a Python list literal as <c>str(list)</c>
/// writes it (MusicCaps' <c>['amateur recording', "men's voice"]</c>, where json_each fails on the apostrophes).
/// One rule for array facets and the <c>__arraycontains</c> filter on every path (SQL function, column files).
/// </summary>
public static class ArrayText
{
    /// <summary>The elements as text (strings unquoted and unescaped, numbers and true/false as written), without
    /// nulls and nested lists; null when the text is not one list (so a plain string is never split).</summary>
    public static List<string>? Elements(ReadOnlySpan<char> text)
    {
        int i = 0;
        SkipSpace(text, ref i);
        if (i >= text.Length || text[i] != '[')
            return null;
        i++;
        var items = new List<string>();
        SkipSpace(text, ref i);
        if (i < text.Length && text[i] == ']')
            return End(text, i + 1) ? items : null;
        while (true)
        {
            SkipSpace(text, ref i);
            if (i >= text.Length)
                return null;
            char c = text[i];
            if (c is '\'' or '"')
            {
                if (ReadString(text, ref i) is not { } s)
                    return null;
                items.Add(s);
            }
            else if (c == '[')
            {
                if (!SkipNested(text, ref i))
                    return null;
            }
            else
            {
                int start = i;
                while (i < text.Length && text[i] is not (',' or ']') && !char.IsWhiteSpace(text[i]))
                    i++;
                var word = text[start..i];
                if (word.Length == 0)
                    return null;
                if (word is "None" or "null")
                {
                    // nulls are not values to count or match
                }
                else if (word is "True" or "true" or "False" or "false"
                    || double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    items.Add(word.ToString());
                else
                    return null;
            }
            SkipSpace(text, ref i);
            if (i >= text.Length)
                return null;
            if (text[i] == ']')
                return End(text, i + 1) ? items : null;
            if (text[i] != ',')
                return null;
            i++;
            SkipSpace(text, ref i);
            // Python allows a trailing comma.
            if (i < text.Length && text[i] == ']')
                return End(text, i + 1) ? items : null;
        }
    }

    /// <summary>True when the cell is a list holding <paramref name="value"/> (compared as text).</summary>
    public static bool Contains(string? cell, string value) =>
        cell is not null && Elements(cell) is { } items && items.Contains(value, StringComparer.Ordinal);

    private static bool End(ReadOnlySpan<char> text, int i)
    {
        SkipSpace(text, ref i);
        return i == text.Length;
    }

    /// <summary>A Python or JSON string literal starting at the quote at <paramref name="i"/> (its escapes decoded);
    /// null when it does not end. Also what json_list() reads (<see cref="Trawl.Store.Sql.TrawlFunctions"/>).</summary>
    internal static string? ReadString(ReadOnlySpan<char> t, ref int i)
    {
        char quote = t[i++];
        var sb = new StringBuilder();
        while (i < t.Length)
        {
            char c = t[i++];
            if (c == quote)
                return sb.ToString();
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (i >= t.Length)
                return null;
            char e = t[i++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case '0': sb.Append('\0'); break;
                case 'x' when i + 2 <= t.Length && int.TryParse(t.Slice(i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int x):
                    sb.Append((char)x);
                    i += 2;
                    break;
                case 'u' when i + 4 <= t.Length && int.TryParse(t.Slice(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int u):
                    sb.Append((char)u);
                    i += 4;
                    break;
                default: sb.Append(e); break;
            }
        }
        return null;
    }

    /// <summary>Steps over a nested list (strings inside may hold brackets).</summary>
    private static bool SkipNested(ReadOnlySpan<char> t, ref int i)
    {
        int depth = 0;
        while (i < t.Length)
        {
            char c = t[i];
            if (c is '\'' or '"')
            {
                if (ReadString(t, ref i) is null)
                    return false;
                continue;
            }
            i++;
            if (c == '[')
                depth++;
            else if (c == ']' && --depth == 0)
                return true;
            if (depth > 64)
                return false;
        }
        return false;
    }

    private static void SkipSpace(ReadOnlySpan<char> t, ref int i)
    {
        while (i < t.Length && char.IsWhiteSpace(t[i]))
            i++;
    }
}
