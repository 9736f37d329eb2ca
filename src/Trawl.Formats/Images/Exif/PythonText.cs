using System.Globalization;
using System.Text;

namespace Trawl.Formats.Images.Exif;

/// <summary>Python's printing of floats, strings and bytes, and its str.strip(), for values equal to exifread's.</summary>
internal static class PythonText
{
    /// <summary>repr(float): the shortest digits that read back, fixed notation for exponents -4..15, else 1e-05 / 1e+16.</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d))
            return "nan";
        if (double.IsInfinity(d))
            return d > 0 ? "inf" : "-inf";
        string sign = d < 0 || (d == 0 && double.IsNegative(d)) ? "-" : "";
        if (d == 0)
            return sign + "0.0";
        // The shortest round-trip digits and the decimal point's position.
        string r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        string mantissa = r.Contains('E') ? r[..r.IndexOf('E')] : r;
        int exponent = r.Contains('E') ? int.Parse(r[(r.IndexOf('E') + 1)..], CultureInfo.InvariantCulture) : 0;
        int point = mantissa.IndexOf('.');
        string digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        int decpt = (point < 0 ? mantissa.Length : point) + exponent;
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
            lead++;
        digits = digits[lead..];
        decpt -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
            digits = "0";
        if (decpt <= -4 || decpt > 16)
        {
            int x = decpt - 1;
            string rest = digits.Length > 1 ? "." + digits[1..] : "";
            return sign + digits[0] + rest + "e" + (x < 0 ? "-" : "+") + Math.Abs(x).ToString("00", CultureInfo.InvariantCulture);
        }
        if (decpt <= 0)
            return sign + "0." + new string('0', -decpt) + digits;
        if (decpt >= digits.Length)
            return sign + digits + new string('0', decpt - digits.Length) + ".0";
        return sign + digits[..decpt] + "." + digits[decpt..];
    }

    /// <summary>str.strip(): Python's whitespace, which includes the separators 0x1C..0x1F.</summary>
    public static string Strip(string s) => s.Trim(Whitespace);

    private static readonly char[] Whitespace = [.. Enumerable.Range(0, 0x3001).Select(i => (char)i).Where(IsPythonSpace)];

    private static bool IsPythonSpace(char c) => c is '\x1c' or '\x1d' or '\x1e' or '\x1f' || char.IsWhiteSpace(c);

    /// <summary>repr(bytes): b'...' with \xNN escapes.</summary>
    public static string BytesRepr(ReadOnlySpan<byte> bytes)
    {
        bool single = bytes.Contains((byte)'\'') && !bytes.Contains((byte)'"');
        char quote = single ? '"' : '\'';
        var sb = new StringBuilder("b").Append(quote);
        foreach (byte b in bytes)
        {
            if (b == quote || b == '\\')
                sb.Append('\\').Append((char)b);
            else if (b == '\t') sb.Append("\\t");
            else if (b == '\n') sb.Append("\\n");
            else if (b == '\r') sb.Append("\\r");
            else if (b is < 0x20 or >= 0x7F) sb.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
            else sb.Append((char)b);
        }
        return sb.Append(quote).ToString();
    }

    /// <summary>repr(str) for the printable cases: '...' (or "..." when it holds a single quote only).</summary>
    public static string StringRepr(string s)
    {
        char quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (char c in s)
        {
            if (c == quote || c == '\\') sb.Append('\\').Append(c);
            else if (c == '\t') sb.Append("\\t");
            else if (c == '\n') sb.Append("\\n");
            else if (c == '\r') sb.Append("\\r");
            else if (c < 0x20 || c == 0x7F) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.Append(quote).ToString();
    }
}
