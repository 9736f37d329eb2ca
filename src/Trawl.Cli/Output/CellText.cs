using System.Globalization;
using System.Text;

namespace Trawl.Cli.Output;

/// <summary>
/// Turns a stored value into one line of text for a terminal table: numbers invariant, control
/// characters replaced (so hostile data cannot move the cursor or recolour the terminal), long
/// values cut with an ellipsis.
/// </summary>
internal static class CellText
{
    public static string Format(object? value, int maxLength)
    {
        string text = value switch
        {
            null => "",
            string s => s,
            long l => l.ToString(CultureInfo.InvariantCulture),
            int i => i.ToString(CultureInfo.InvariantCulture),
            double d => FormatDouble(d),
            float f => FormatDouble(f),
            bool b => b ? "true" : "false",
            byte[] bytes => $"<{bytes.Length} bytes>",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return Truncate(Sanitize(text), maxLength);
    }

    public static string FormatDouble(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Replaces control characters (C0, DEL, C1 — including ESC, which starts terminal escape sequences) and line breaks with visible stand-ins.</summary>
    public static string Sanitize(string text)
    {
        int i = 0;
        while (i < text.Length && !IsControl(text[i]))
            i++;
        if (i == text.Length)
            return text;
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (!IsControl(c))
                sb.Append(c);
            else if (c is '\n' or '\r' or '\t')
                sb.Append(' ');
            else
                sb.Append('\uFFFD');
        }
        return sb.ToString();
    }

    public static string Truncate(string text, int maxLength)
    {
        if (maxLength <= 0 || text.Length <= maxLength)
            return text;
        int cut = Math.Max(maxLength - 1, 0);
        // Do not split a surrogate pair.
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
            cut--;
        return text[..cut] + "…";
    }

    private static bool IsControl(char c) => c < 0x20 || (c >= 0x7F && c <= 0x9F);
}
