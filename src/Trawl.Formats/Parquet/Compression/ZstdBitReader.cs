using System.Numerics;

namespace Trawl.Formats.Parquet.Compression;

/// <summary>
/// Zstandard's backward bit stream: written forwards, read from the last byte (after its
/// end-marker bit) towards the first. Bits read past the start are zeros; <see cref="Overflowed"/>
/// tells when that happened.
/// </summary>
internal ref struct ZstdBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private long _bit; // bits still unread, counted from the start of the span

    public ZstdBitReader(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data[^1] == 0)
            throw new ParquetException("ZSTD bit stream lacks its end marker");
        _data = data;
        _bit = (long)data.Length * 8 - (8 - (31 - BitOperations.LeadingZeroCount((uint)data[^1])));
    }

    public readonly long BitsLeft => _bit;
    public readonly bool Overflowed => _bit < 0;

    public uint Read(int n)
    {
        if (n == 0)
            return 0;
        uint v = Peek(n);
        _bit -= n;
        return v;
    }

    public readonly uint Peek(int n)
    {
        long start = _bit - n;
        if (start >= 0)
            return Get(start, n);
        int have = (int)(n + start);
        if (have <= 0)
            return 0;
        return Get(0, have) << (int)-start;
    }

    public void Skip(int n) => _bit -= n;

    private readonly uint Get(long start, int n)
    {
        int b = (int)(start >> 3);
        int shift = (int)(start & 7);
        ulong w;
        if (b + 8 <= _data.Length)
            w = System.Runtime.CompilerServices.Unsafe.ReadUnaligned<ulong>(ref System.Runtime.CompilerServices.Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(_data), b));
        else
        {
            w = 0;
            for (int k = 0; k < 8 && b + k < _data.Length; k++)
                w |= (ulong)_data[b + k] << (8 * k);
        }
        return (uint)((w >> shift) & ((1UL << n) - 1));
    }
}
