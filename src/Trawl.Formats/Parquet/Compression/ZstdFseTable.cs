using System.Numerics;

namespace Trawl.Formats.Parquet.Compression;

/// <summary>A finite-state-entropy decoding table (RFC 8878 section 4.1).</summary>
internal sealed class ZstdFseTable
{
    public byte[] Symbol = [];
    public byte[] NumBits = [];
    public ushort[] NewState = [];
    public int AccuracyLog;

    /// <summary>Reads a table description from the start of <paramref name="src"/>; returns the bytes used.</summary>
    public static int Read(ReadOnlySpan<byte> src, int maxSymbol, int maxLog, ZstdFseTable table)
    {
        Span<short> norm = stackalloc short[256];
        int pos = 0;
        ulong bits = 0;
        int have = 0;
        void Fill(ref ulong b, ref int h, ReadOnlySpan<byte> s, ref int p)
        {
            while (h <= 56)
            {
                b |= (ulong)(p < s.Length ? s[p] : 0) << h;
                p++;
                h += 8;
            }
        }
        // Bytes are consumed into the window eagerly; the true length is tracked in bits.
        long consumedBits = 0;
        Fill(ref bits, ref have, src, ref pos);
        int log = (int)(bits & 15) + 5;
        bits >>= 4; have -= 4; consumedBits += 4;
        if (log > maxLog)
            throw new ParquetException($"ZSTD FSE accuracy {log} is above the maximum {maxLog}");
        int remaining = (1 << log) + 1;
        int threshold = 1 << log;
        int nbBits = log + 1;
        int symbol = 0;
        bool previous0 = false;
        while (remaining > 1 && symbol <= maxSymbol)
        {
            Fill(ref bits, ref have, src, ref pos);
            if (previous0)
            {
                int n0 = symbol;
                while ((bits & 3) == 3)
                {
                    n0 += 3;
                    bits >>= 2; have -= 2; consumedBits += 2;
                    Fill(ref bits, ref have, src, ref pos);
                }
                n0 += (int)(bits & 3);
                bits >>= 2; have -= 2; consumedBits += 2;
                if (n0 > maxSymbol + 1)
                    throw new ParquetException("ZSTD FSE table repeats zeros past its last symbol");
                while (symbol < n0)
                    norm[symbol++] = 0;
                Fill(ref bits, ref have, src, ref pos);
                if (symbol > maxSymbol)
                    break;
            }
            int max = (2 * threshold - 1) - remaining;
            int count;
            if ((int)(bits & (uint)(threshold - 1)) < max)
            {
                count = (int)(bits & (uint)(threshold - 1));
                bits >>= nbBits - 1; have -= nbBits - 1; consumedBits += nbBits - 1;
            }
            else
            {
                count = (int)(bits & (uint)(2 * threshold - 1));
                if (count >= threshold)
                    count -= max;
                bits >>= nbBits; have -= nbBits; consumedBits += nbBits;
            }
            count--;
            remaining -= Math.Abs(count);
            norm[symbol++] = (short)count;
            previous0 = count == 0;
            while (remaining < threshold)
            {
                nbBits--;
                threshold >>= 1;
            }
        }
        if (remaining != 1)
            throw new ParquetException("ZSTD FSE table probabilities do not add up");
        int used = (int)((consumedBits + 7) / 8);
        if (used > src.Length)
            throw new ParquetException("ZSTD FSE table runs past its section");
        table.Build(norm[..symbol], log);
        return used;
    }

    public void Build(ReadOnlySpan<short> norm, int log)
    {
        int size = 1 << log;
        AccuracyLog = log;
        if (Symbol.Length < size)
        {
            Symbol = new byte[size];
            NumBits = new byte[size];
            NewState = new ushort[size];
        }
        Span<ushort> next = stackalloc ushort[256];
        int high = size - 1;
        for (int s = 0; s < norm.Length; s++)
        {
            if (norm[s] == -1)
            {
                if (high < 0)
                    throw new ParquetException("ZSTD FSE table is over-subscribed");
                Symbol[high--] = (byte)s;
                next[s] = 1;
            }
            else
            {
                next[s] = (ushort)Math.Max((int)norm[s], 0);
            }
        }
        int step = (size >> 1) + (size >> 3) + 3, mask = size - 1, pos = 0;
        for (int s = 0; s < norm.Length; s++)
        {
            for (int i = 0; i < norm[s]; i++)
            {
                Symbol[pos] = (byte)s;
                do pos = (pos + step) & mask; while (pos > high);
            }
        }
        if (pos != 0)
            throw new ParquetException("ZSTD FSE table probabilities do not spread evenly");
        for (int u = 0; u < size; u++)
        {
            int s = Symbol[u];
            int ns = next[s]++;
            if (ns == 0)
                throw new ParquetException("ZSTD FSE table is not valid");
            int nb = log - (31 - BitOperations.LeadingZeroCount((uint)ns));
            NumBits[u] = (byte)nb;
            NewState[u] = (ushort)((ns << nb) - size);
        }
    }

    /// <summary>A table that always yields one symbol (RLE mode).</summary>
    public void BuildRle(byte symbol)
    {
        if (Symbol.Length < 1)
        {
            Symbol = new byte[1];
            NumBits = new byte[1];
            NewState = new ushort[1];
        }
        AccuracyLog = 0;
        Symbol[0] = symbol;
        NumBits[0] = 0;
        NewState[0] = 0;
    }
}
