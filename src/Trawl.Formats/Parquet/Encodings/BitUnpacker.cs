using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Trawl.Formats.Parquet.Encodings;

/// <summary>Unpacks little-endian, LSB-first bit-packed integers (RLE hybrid runs, DELTA miniblocks).</summary>
internal static class BitUnpacker
{
    /// <summary>Unpacks <paramref name="output"/>.Length values of <paramref name="bitWidth"/> (0..32) bits from <paramref name="src"/>.</summary>
    public static void Unpack32(ReadOnlySpan<byte> src, int bitWidth, Span<int> output)
    {
        int n = output.Length;
        if (bitWidth == 0)
        {
            output.Clear();
            return;
        }
        if (((long)n * bitWidth + 7) / 8 > src.Length)
            throw new ParquetException("bit-packed run is longer than its page");
        ulong mask = bitWidth == 32 ? uint.MaxValue : (1UL << bitWidth) - 1;
        // Fast path while a whole 8-byte window is readable; every value needs at most 39 bits.
        int i = 0;
        long bit = 0;
        int safeEnd = src.Length - 8;
        for (; i < n; i++, bit += bitWidth)
        {
            int b = (int)(bit >> 3);
            if (b > safeEnd)
                break;
            ulong w = BinaryPrimitives.ReadUInt64LittleEndian(src.Slice(b, 8));
            output[i] = (int)((w >> (int)(bit & 7)) & mask);
        }
        for (; i < n; i++, bit += bitWidth)
            output[i] = (int)((ReadTail(src, (int)(bit >> 3)) >> (int)(bit & 7)) & mask);
    }

    /// <summary>Unpacks values of up to 64 bits (DELTA_BINARY_PACKED miniblocks).</summary>
    public static void Unpack64(ReadOnlySpan<byte> src, int bitWidth, Span<long> output)
    {
        int n = output.Length;
        if (bitWidth == 0)
        {
            output.Clear();
            return;
        }
        if (((long)n * bitWidth + 7) / 8 > src.Length)
            throw new ParquetException("bit-packed miniblock is longer than its page");
        ulong mask = bitWidth == 64 ? ulong.MaxValue : (1UL << bitWidth) - 1;
        long bit = 0;
        int safeEnd = src.Length - 9;
        for (int i = 0; i < n; i++, bit += bitWidth)
        {
            int b = (int)(bit >> 3);
            int shift = (int)(bit & 7);
            ulong v;
            if (b <= safeEnd)
            {
                v = BinaryPrimitives.ReadUInt64LittleEndian(src.Slice(b, 8)) >> shift;
                if (shift + bitWidth > 64)
                    v |= (ulong)src[b + 8] << (64 - shift);
            }
            else
            {
                v = ReadBitsSlow(src, bit, bitWidth);
            }
            output[i] = (long)(v & mask);
        }
    }

    /// <summary>The bytes from <paramref name="b"/> to the end (fewer than 8), little-endian, zeros past the end.</summary>
    private static ulong ReadTail(ReadOnlySpan<byte> src, int b)
    {
        ulong w = 0;
        for (int k = 0; b + k < src.Length; k++)
            w |= (ulong)src[b + k] << (8 * k);
        return w;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong ReadBitsSlow(ReadOnlySpan<byte> src, long bit, int bitWidth)
    {
        ulong v = 0;
        for (int k = 0; k < bitWidth; k++)
        {
            long p = bit + k;
            int b = (int)(p >> 3);
            if (b < src.Length && ((src[b] >> (int)(p & 7)) & 1) != 0)
                v |= 1UL << k;
        }
        return v;
    }

    /// <summary>The legacy BIT_PACKED level encoding: MSB-first within each byte.</summary>
    public static void UnpackMsbFirst(ReadOnlySpan<byte> src, int bitWidth, Span<int> output)
    {
        if (((long)output.Length * bitWidth + 7) / 8 > src.Length)
            throw new ParquetException("BIT_PACKED levels are longer than their page");
        long bit = 0;
        for (int i = 0; i < output.Length; i++)
        {
            int v = 0;
            for (int k = 0; k < bitWidth; k++, bit++)
                v = (v << 1) | ((src[(int)(bit >> 3)] >> (7 - (int)(bit & 7))) & 1);
            output[i] = v;
        }
    }
}
