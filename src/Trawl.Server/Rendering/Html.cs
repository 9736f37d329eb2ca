using System.Globalization;
using System.Net;
using System.Text;

namespace Trawl.Server.Rendering;

/// <summary>Encoding helpers: every value that reaches a page goes through <see cref="Encode"/>.</summary>
internal static class Html
{
    /// <summary>Encodes text for element content and quoted attribute values (&lt; &gt; &amp; " ' are escaped).</summary>
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static StringBuilder AppendEncoded(this StringBuilder sb, string? text) => sb.Append(Encode(text));

    /// <summary>A path segment for links: the name percent-encoded.</summary>
    public static string Segment(string name) => Uri.EscapeDataString(name);

    /// <summary>A cell value as display text (invariant numbers, "null" never: callers show nulls themselves).</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        byte[] bytes => $"<{bytes.Length} bytes>",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static bool IsNumber(object? value) => value is long or int or double or float or decimal;
}
