using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Trawl.Formats.Parquet.Compression;

/// <summary>The back-reference and literal copies shared by Snappy, LZ4 and ZSTD (a match may overlap its own output).</summary>
internal static class Lz77
{
    /// <summary>Copies <paramref name="length"/> bytes from <paramref name="offset"/> bytes back; the caller has checked the bounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(Span<byte> dst, int op, int offset, int length)
    {
        int from = op - offset;
        ref byte d = ref MemoryMarshal.GetReference(dst);
        if (offset >= 8 && op + length + 8 <= dst.Length)
        {
            // 8-byte steps: with offset >= 8 each step's source is already final when it is read;
            // the last step may write up to 7 bytes past the match, inside the buffer, to be overwritten later.
            for (int k = 0; k < length; k += 8)
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, op + k), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref d, from + k)));
            return;
        }
        if (offset >= length)
        {
            dst.Slice(from, length).CopyTo(dst.Slice(op, length));
            return;
        }
        for (int k = 0; k < length; k++)
            Unsafe.Add(ref d, op + k) = Unsafe.Add(ref d, from + k);
    }

    /// <summary>Copies a short literal run, with 16-byte steps when both buffers have slack.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Literal(ReadOnlySpan<byte> src, int pos, Span<byte> dst, int op, int length)
    {
        if (length <= 16 && pos + 16 <= src.Length && op + 16 <= dst.Length)
        {
            ref byte s = ref Unsafe.Add(ref MemoryMarshal.GetReference(src), pos);
            ref byte d = ref Unsafe.Add(ref MemoryMarshal.GetReference(dst), op);
            Unsafe.WriteUnaligned(ref d, Unsafe.ReadUnaligned<ulong>(ref s));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, 8), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref s, 8)));
            return;
        }
        src.Slice(pos, length).CopyTo(dst.Slice(op));
    }
}
