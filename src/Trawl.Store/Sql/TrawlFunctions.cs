using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Trawl.Store.Ingest;

namespace Trawl.Store.Sql;

/// <summary>
/// Trawl's SQL functions, registered on every connection that evaluates user SQL (ingest's --where and --derive,
/// read-only queries, views): <c>domain(url)</c>, <c>json_list(text)</c>, <c>path_part(url, n)</c> and
/// <c>duration_seconds(text)</c>. Each returns NULL for a value it cannot read rather than failing the statement,
/// as SQLite's own conversions do.
/// </summary>
public static class TrawlFunctions
{
    /// <summary>The names, for error messages and docs.</summary>
    public static readonly IReadOnlyList<string> Names = ["domain", "json_list", "path_part", "duration_seconds"];

    public static void Register(SqliteConnection conn)
    {
        conn.CreateFunction<string?, string?>("domain", Domain, isDeterministic: true);
        conn.CreateFunction<string?, string?>("json_list", JsonList, isDeterministic: true);
        conn.CreateFunction<string?, long, string?>("path_part", PathPart, isDeterministic: true);
        conn.CreateFunction<string?, object?>("duration_seconds", DurationSeconds, isDeterministic: true);
    }

    /// <summary>The host of a URL, lower-cased, without "www." (the same rule as <c>--derive domain=URL</c>).</summary>
    public static string? Domain(string? url)
    {
        if (url is null)
            return null;
        byte[] bytes = Encoding.UTF8.GetBytes(url);
        byte[] host = new byte[bytes.Length];
        int n = UrlHost.Extract(bytes, host);
        return n == 0 ? null : Encoding.UTF8.GetString(host, 0, n);
    }

    /// <summary>Segment <paramref name="n"/> (1-based; negative counts from the end) of a URL's or path's path, or NULL.</summary>
    public static string? PathPart(string? url, long n)
    {
        if (url is null || n == 0)
            return null;
        string path = url;
        int scheme = path.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            int slash = path.IndexOf('/', scheme + 3);
            path = slash < 0 ? "" : path[slash..];
        }
        int end = path.IndexOfAny(['?', '#']);
        if (end >= 0)
            path = path[..end];
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        long i = n > 0 ? n - 1 : parts.Length + n;
        return i >= 0 && i < parts.Length ? Uri.UnescapeDataString(parts[i]) : null;
    }

    /// <summary>An ISO 8601 duration (WebVid's "PT00H00M11S", "P1DT2H", "PT1.5S") in seconds: an integer when whole,
    /// else a real; NULL when the text is not such a duration.</summary>
    public static object? DurationSeconds(string? text)
    {
        if (text is null)
            return null;
        var s = text.AsSpan().Trim();
        if (s.Length < 3 || (s[0] | 0x20) != 'p')
            return null;
        s = s[1..];
        double total = 0;
        bool time = false, any = false;
        while (!s.IsEmpty)
        {
            if ((s[0] | 0x20) == 't')
            {
                if (time)
                    return null;
                time = true;
                s = s[1..];
                continue;
            }
            int k = 0;
            while (k < s.Length && (char.IsAsciiDigit(s[k]) || s[k] is '.' or ','))
                k++;
            if (k == 0 || k == s.Length)
                return null;
            if (!double.TryParse(s[..k].ToString().Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double v))
                return null;
            double unit = (char.ToUpperInvariant(s[k]), time) switch
            {
                ('W', false) => 7 * 86400,
                ('D', false) => 86400,
                ('H', true) => 3600,
                ('M', true) => 60,
                ('S', true) => 1,
                _ => double.NaN,
            };
            if (double.IsNaN(unit))
                return null;
            total += v * unit;
            any = true;
            s = s[(k + 1)..];
        }
        if (!any)
            return null;
        return total == Math.Floor(total) && total < long.MaxValue ? (object)(long)total : total;
    }

    /// <summary>
    /// A Python list literal as Python's <c>str(list)</c> writes it (<c>['amateur recording', "men's voice"]</c>) as a
    /// JSON array (<c>["amateur recording","men's voice"]</c>); a JSON array is returned as JSON too. Strings, numbers,
    /// True/False/None and nested lists are understood; anything else is NULL.
    /// </summary>
    public static string? JsonList(string? text)
    {
        if (text is null)
            return null;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(text.Length + 16);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            int i = 0;
            SkipSpace(text, ref i);
            if (i >= text.Length || text[i] != '[' || !WriteValue(text, ref i, w, 0))
                return null;
            SkipSpace(text, ref i);
            if (i != text.Length)
                return null;
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static bool WriteValue(string t, ref int i, Utf8JsonWriter w, int depth)
    {
        SkipSpace(t, ref i);
        if (i >= t.Length || depth > 32)
            return false;
        char c = t[i];
        if (c == '[')
        {
            i++;
            w.WriteStartArray();
            SkipSpace(t, ref i);
            if (i < t.Length && t[i] == ']')
            {
                i++;
                w.WriteEndArray();
                return true;
            }
            while (true)
            {
                if (!WriteValue(t, ref i, w, depth + 1))
                    return false;
                SkipSpace(t, ref i);
                if (i >= t.Length)
                    return false;
                if (t[i] == ',')
                {
                    i++;
                    SkipSpace(t, ref i);
                    // Python allows a trailing comma.
                    if (i < t.Length && t[i] == ']')
                    {
                        i++;
                        w.WriteEndArray();
                        return true;
                    }
                    continue;
                }
                if (t[i] != ']')
                    return false;
                i++;
                w.WriteEndArray();
                return true;
            }
        }
        if (c is '\'' or '"')
        {
            string? s = Trawl.Store.Queries.ArrayText.ReadString(t, ref i);
            if (s is null)
                return false;
            w.WriteStringValue(s);
            return true;
        }
        int start = i;
        while (i < t.Length && t[i] is not (',' or ']' or ' ' or '\t' or '\n' or '\r'))
            i++;
        var word = t.AsSpan(start, i - start);
        if (word is "True" or "true")
            w.WriteBooleanValue(true);
        else if (word is "False" or "false")
            w.WriteBooleanValue(false);
        else if (word is "None" or "null")
            w.WriteNullValue();
        else if (long.TryParse(word, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
            w.WriteNumberValue(l);
        else if (double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d))
            w.WriteNumberValue(d);
        else
            return false;
        return true;
    }

    private static void SkipSpace(string t, ref int i)
    {
        while (i < t.Length && char.IsWhiteSpace(t[i]))
            i++;
    }
}
