using System.Buffers;
using System.Runtime.CompilerServices;

namespace Trawl.Formats.Parquet.Writing;

/// <summary>Parquet's RLE / bit-packed hybrid encoding, the write half: runs for definition levels, bit-packed groups for dictionary indices.</summary>
internal static class RleHybridEncoder
{
    /// <summary>Definition levels (0 or 1 each) as RLE runs of bit width 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WriteLevels(ReadOnlySpan<byte> levels, ArrayBufferWriter<byte> output)
    {
        int i = 0;
        while (i < levels.Length)
        {
            byte v = levels[i];
            int j = i + 1;
            while (j < levels.Length && levels[j] == v) j++;
            Varint(output, (ulong)(j - i) << 1);
            output.Write([v]);
            i = j;
        }
    }

    /// <summary>Values below 2^bitWidth as one bit-packed run (padded to a multiple of 8 values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WriteBitPacked(ReadOnlySpan<int> values, int bitWidth, ArrayBufferWriter<byte> output)
    {
        if (values.Length == 0) return;
        int groups = (values.Length + 7) / 8;
        Varint(output, ((ulong)groups << 1) | 1);
        if (bitWidth == 0) return;
        int bytes = groups * bitWidth;
        Span<byte> span = output.GetSpan(bytes)[..bytes];
        span.Clear();
        long bit = 0;
        foreach (int v in values)
        {
            ulong x = (uint)v;
            for (int b = 0; b < bitWidth; b += 8)
            {
                long at = bit + b;
                ulong chunk = (x >> b) & 0xFF;
                int bw = Math.Min(8, bitWidth - b);
                chunk &= (1UL << bw) - 1;
                int index = (int)(at >> 3), shift = (int)(at & 7);
                span[index] |= (byte)(chunk << shift);
                if (shift + bw > 8) span[index + 1] |= (byte)(chunk >> (8 - shift));
            }
            bit += bitWidth;
        }
        output.Advance(bytes);
    }

    public static int BitWidth(int maxValue) => maxValue <= 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)maxValue);

    public static void Varint(ArrayBufferWriter<byte> output, ulong v)
    {
        Span<byte> buffer = stackalloc byte[10];
        int n = 0;
        while (v >= 0x80)
        {
            buffer[n++] = (byte)(v | 0x80);
            v >>= 7;
        }
        buffer[n++] = (byte)v;
        output.Write(buffer[..n]);
    }
}
