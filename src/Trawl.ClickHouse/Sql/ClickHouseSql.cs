using System.Globalization;
using System.Text;

namespace Trawl.ClickHouse.Sql;

/// <summary>Quoting for ClickHouse SQL. Every identifier in a generated statement goes through <see cref="Identifier"/>
/// and every value through <see cref="String"/> or the number writers: 18.16 has no query parameters, so values are
/// escaped literals on every engine (one code path, tested with hostile input on both).</summary>
public static class ClickHouseSql
{
    /// <summary>`name` with backslashes and backquotes escaped.</summary>
    public static string Identifier(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var sb = new StringBuilder(name.Length + 2).Append('`');
        foreach (char c in name)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '`': sb.Append(@"\`"); break;
                case '\0': sb.Append(@"\0"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('`').ToString();
    }

    /// <summary>'text' with backslashes, quotes and control characters escaped.</summary>
    public static string String(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('\'');
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\'': sb.Append(@"\'"); break;
                case '\0': sb.Append(@"\0"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                case '\b': sb.Append(@"\b"); break;
                case '\f': sb.Append(@"\f"); break;
                default:
                    if (c < ' ')
                        sb.Append(@"\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        return sb.Append('\'').ToString();
    }

    public static string Int64(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A finite double as a literal that reads back to the same value.</summary>
    public static string Float64(double value)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), "only finite numbers can be written as literals");
        string s = value.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('E') || s.Contains('.') ? s : s + ".0";
    }

    /// <summary>[a, b, ...] of Float32 values; the engine reads it as Array(Float64), which distance functions accept.</summary>
    public static string Float32Array(ReadOnlySpan<float> values)
    {
        var sb = new StringBuilder(values.Length * 12 + 2).Append('[');
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new ArgumentOutOfRangeException(nameof(values), $"component {i} is not a finite number");
            if (i > 0)
                sb.Append(',');
            string s = values[i].ToString("R", CultureInfo.InvariantCulture);
            sb.Append(s.Contains('E') || s.Contains('.') ? s : s + ".0");
        }
        return sb.Append(']').ToString();
    }
}
