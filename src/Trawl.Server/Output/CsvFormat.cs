using System.Globalization;
using System.Text;

namespace Trawl.Server.Output;

/// <summary>RFC 4180 CSV: fields with a comma, quote, CR or LF are quoted with quotes doubled; lines end in CRLF;
/// null is an empty field, blobs are base64.</summary>
internal static class CsvFormat
{
    public static void AppendRow(StringBuilder sb, IReadOnlyList<object?> values)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0)
                sb.Append(',');
            AppendField(sb, values[i]);
        }
        sb.Append("\r\n");
    }

    public static void AppendField(StringBuilder sb, object? value)
    {
        string text = value switch
        {
            null => "",
            string s => s,
            long l => l.ToString(CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            byte[] bytes => Convert.ToBase64String(bytes),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
        if (text.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            sb.Append(text);
            return;
        }
        sb.Append('"');
        foreach (char c in text)
        {
            if (c == '"')
                sb.Append('"');
            sb.Append(c);
        }
        sb.Append('"');
    }
}
