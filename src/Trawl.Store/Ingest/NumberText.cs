using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace Trawl.Store.Ingest;

/// <summary>Recognises numbers written as UTF-8 text (CSV cells), strictly enough that identifiers such as
/// "007" or "1e5" stay text.</summary>
internal static class NumberText
{
    /// <summary>An optional '-', then digits without a leading zero (except "0" itself), fitting in 64 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseInteger(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        int i = s.Length > 0 && s[0] == (byte)'-' ? 1 : 0;
        int digits = s.Length - i;
        if (digits <= 0 || digits > 19)
            return false;
        if (s[i] == (byte)'0' && digits > 1)
            return false;
        for (int k = i; k < s.Length; k++)
        {
            if ((uint)(s[k] - '0') > 9)
                return false;
        }
        return Utf8Parser.TryParse(s, out value, out int consumed) && consumed == s.Length;
    }

    /// <summary>A decimal number: optional '-', digits with at most one '.', optional exponent ("1.5", "-0.25", "3e-7").
    /// Leading zeros before other digits ("007.5") are refused so codes stay text.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseReal(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        int i = s.Length > 0 && s[0] == (byte)'-' ? 1 : 0;
        int intDigits = 0, fracDigits = 0;
        int start = i;
        while (i < s.Length && (uint)(s[i] - '0') <= 9) { i++; intDigits++; }
        if (intDigits > 1 && s[start] == (byte)'0')
            return false;
        if (i < s.Length && s[i] == (byte)'.')
        {
            i++;
            while (i < s.Length && (uint)(s[i] - '0') <= 9) { i++; fracDigits++; }
        }
        if (intDigits + fracDigits == 0)
            return false;
        if (i < s.Length && (s[i] == (byte)'e' || s[i] == (byte)'E'))
        {
            i++;
            if (i < s.Length && (s[i] == (byte)'-' || s[i] == (byte)'+'))
                i++;
            int expDigits = 0;
            while (i < s.Length && (uint)(s[i] - '0') <= 9) { i++; expDigits++; }
            if (expDigits == 0)
                return false;
        }
        if (i != s.Length)
            return false;
        return Utf8Parser.TryParse(s, out value, out int consumed) && consumed == s.Length && double.IsFinite(value);
    }
}
