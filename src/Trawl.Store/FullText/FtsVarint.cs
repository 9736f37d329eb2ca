using System.Runtime.CompilerServices;

namespace Trawl.Store.FullText;

/// <summary>SQLite's varint, as FTS5's records use it: big-endian groups of 7 bits with a continuation bit, a ninth
/// byte carrying 8 bits.</summary>
internal static class FtsVarint
{
    public const int MaxLength = 9;

    /// <summary>Reads the varint at <paramref name="pos"/>, which must end before <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Read(ReadOnlySpan<byte> b, ref int pos, int end)
    {
        ulong v = 0;
        for (int n = 0; n < 9; n++)
        {
            if (pos >= end)
                throw new FtsLayoutException("a varint runs past its record");
            byte x = b[pos++];
            if (n == 8)
                return (long)((v << 8) | x);
            v = (v << 7) | (uint)(x & 0x7F);
            if ((x & 0x80) == 0)
                return (long)v;
        }
        return (long)v;
    }

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="into"/>; returns its length.</summary>
    public static int Write(Span<byte> into, ulong value)
    {
        if ((value & (0xFFUL << 56)) != 0)
        {
            into[8] = (byte)value;
            value >>= 8;
            for (int i = 7; i >= 0; i--)
            {
                into[i] = (byte)((value & 0x7F) | 0x80);
                value >>= 7;
            }
            return 9;
        }
        Span<byte> reversed = stackalloc byte[MaxLength];
        int n = 0;
        do
        {
            reversed[n++] = (byte)((value & 0x7F) | 0x80);
            value >>= 7;
        }
        while (value != 0);
        reversed[0] &= 0x7F;
        for (int i = 0; i < n; i++)
            into[i] = reversed[n - 1 - i];
        return n;
    }

    public static void Append(List<byte> into, ulong value)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        int n = Write(buffer, value);
        for (int i = 0; i < n; i++)
            into.Add(buffer[i]);
    }
}
