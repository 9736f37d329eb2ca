using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Trawl.Formats.Parquet.Compression;

/// <summary>Raw Snappy block decompression into a caller's buffer of the exact expected size, every copy bounds-checked.</summary>
internal static class SnappyDecoder
{
    /// <summary>Source bytes the fast path needs left: a tag plus a 64-byte literal read (which also covers a 4-byte offset read).</summary>
    private const int FastSrcSlack = 65;

    /// <summary>Output room the fast path needs left: the longest element (64 bytes) written in 16-byte steps, plus one step.</summary>
    private const int FastDstSlack = 80;

    /// <summary>
    /// Per tag byte: bits 0-7 the element's length (a literal's only when it is at most 60), bits 8-10 a one-byte-offset
    /// copy's high offset bits, bits 11-13 the bytes after the tag (offset bytes of a copy; 0 for a short literal).
    /// One lookup replaces the branches on the element kind.
    /// </summary>
    private static readonly ushort[] TagTable = BuildTagTable();

    private static ushort[] BuildTagTable()
    {
        var t = new ushort[256];
        for (int tag = 0; tag < 256; tag++)
        {
            int kind = tag & 3;
            t[tag] = kind switch
            {
                0 => (ushort)(tag >> 2 < 60 ? (tag >> 2) + 1 : 0),
                1 => (ushort)((((tag >> 2) & 7) + 4) | ((tag >> 5) << 8) | (1 << 11)),
                2 => (ushort)(((tag >> 2) + 1) | (2 << 11)),
                _ => (ushort)(((tag >> 2) + 1) | (4 << 11)),
            };
        }
        return t;
    }

    public static void Decompress(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int pos = 0;
        ulong declared = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (pos >= src.Length || shift > 28)
                throw new ParquetException("Snappy length header is not valid");
            byte b = src[pos++];
            declared |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                break;
        }
        if (declared != (ulong)dst.Length)
            throw new ParquetException($"Snappy block holds {declared} bytes where the page header says {dst.Length}");
        int op = 0;
        ref byte s = ref MemoryMarshal.GetReference(src);
        ref byte d = ref MemoryMarshal.GetReference(dst);
        // The fast loop runs while both buffers have slack for a whole element plus a 16-byte overrun: literals
        // up to 60 bytes and every copy (at most 64) need no per-byte bounds checks then; the offset check stays,
        // so corrupt input is still refused. Anything else (long literals, the last bytes) takes the checked path.
        int srcFast = src.Length - FastSrcSlack;
        int dstFast = dst.Length - FastDstSlack;
        while (pos < src.Length)
        {
            if (pos <= srcFast && op <= dstFast)
                (pos, op) = FastLoop(ref s, ref d, pos, op, srcFast, dstFast);
            if (pos >= src.Length)
                break;
            byte tag = src[pos++];
            int kind = tag & 3;
            if (kind == 0)
            {
                int len = tag >> 2;
                if (len >= 60)
                {
                    int extra = len - 59;
                    if (src.Length - pos < extra)
                        throw new ParquetException("Snappy literal header ends early");
                    len = 0;
                    for (int k = 0; k < extra; k++)
                        len |= src[pos + k] << (8 * k);
                    pos += extra;
                    if (len < 0)
                        throw new ParquetException("Snappy literal is too long");
                }
                len += 1;
                if (len > src.Length - pos || len > dst.Length - op)
                    throw new ParquetException("Snappy literal runs past the end of its block");
                Lz77.Literal(src, pos, dst, op, len);
                pos += len;
                op += len;
                continue;
            }
            int length, offset;
            if (kind == 1)
            {
                if (pos >= src.Length) throw new ParquetException("Snappy copy ends early");
                length = ((tag >> 2) & 7) + 4;
                offset = ((tag >> 5) << 8) | src[pos++];
            }
            else if (kind == 2)
            {
                if (src.Length - pos < 2) throw new ParquetException("Snappy copy ends early");
                length = (tag >> 2) + 1;
                offset = BinaryPrimitives.ReadUInt16LittleEndian(src.Slice(pos, 2));
                pos += 2;
            }
            else
            {
                if (src.Length - pos < 4) throw new ParquetException("Snappy copy ends early");
                length = (tag >> 2) + 1;
                uint o = BinaryPrimitives.ReadUInt32LittleEndian(src.Slice(pos, 4));
                if (o > int.MaxValue) throw new ParquetException("Snappy copy offset is out of range");
                offset = (int)o;
                pos += 4;
            }
            if (offset == 0 || offset > op || length > dst.Length - op)
                throw new ParquetException("Snappy copy points outside the decompressed data");
            Lz77.Copy(dst, op, offset, length);
            op += length;
        }
        if (op != dst.Length)
            throw new ParquetException($"Snappy block decompressed to {op} bytes where the page header says {dst.Length}");
    }

    /// <summary>
    /// Decodes elements while <paramref name="pos"/> ≤ <paramref name="srcFast"/> and <paramref name="op"/> ≤
    /// <paramref name="dstFast"/>, stopping early at a literal whose length follows in extra bytes. Kept apart from
    /// the checked path so its few locals stay in registers.
    /// </summary>
    private static (int Pos, int Op) FastLoop(ref byte s, ref byte d, int pos, int op, int srcFast, int dstFast)
    {
        ref ushort table = ref MemoryMarshal.GetArrayDataReference(TagTable);
        while (pos <= srcFast && op <= dstFast)
        {
            uint t = Unsafe.Add(ref s, pos);
            uint entry = Unsafe.Add(ref table, t);
            int len = (int)(entry & 0xFF);
            if ((t & 3) == 0)
            {
                if (len == 0)
                    break; // a literal whose length follows in extra bytes
                ref byte lit = ref Unsafe.Add(ref s, pos + 1);
                ref byte at = ref Unsafe.Add(ref d, op);
                Unsafe.WriteUnaligned(ref at, Unsafe.ReadUnaligned<Vector128<byte>>(ref lit));
                if (len > 16)
                {
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref at, 16), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref lit, 16)));
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref at, 32), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref lit, 32)));
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref at, 48), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref lit, 48)));
                }
                pos += 1 + len;
                op += len;
                continue;
            }
            int extra = (int)(entry >> 11);
            // The 1, 2 or 4 offset bytes after the tag, plus a one-byte-offset copy's high bits from the tag.
            uint off = (uint)(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, pos + 1)) & ((1UL << (extra << 3)) - 1)) + (entry & 0x700);
            pos += 1 + extra;
            // off - 1 wraps for 0, so one unsigned compare refuses offsets of 0 and offsets before the start.
            if (off - 1 >= (uint)op)
                ThrowBadOffset();
            ref byte to = ref Unsafe.Add(ref d, op);
            ref byte from = ref Unsafe.Subtract(ref to, (int)off);
            if (off >= 16)
            {
                // Each 16-byte step reads bytes already final (off >= 16); the overrun stays inside the slack
                // and is overwritten by the elements that follow.
                Unsafe.WriteUnaligned(ref to, Unsafe.ReadUnaligned<Vector128<byte>>(ref from));
                for (int j = 16; j < len; j += 16)
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, j), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref from, j)));
            }
            else if (off >= 8)
            {
                for (int j = 0; j < len; j += 8)
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, j), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref from, j)));
            }
            else
            {
                for (int j = 0; j < len; j++)
                    Unsafe.Add(ref to, j) = Unsafe.Add(ref from, j);
            }
            op += len;
        }
        return (pos, op);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBadOffset() => throw new ParquetException("Snappy copy points outside the decompressed data");
}
