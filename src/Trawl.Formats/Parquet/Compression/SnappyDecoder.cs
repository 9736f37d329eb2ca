using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Trawl.Formats.Parquet.Compression;

/// <summary>Raw Snappy block decompression into a caller's buffer of the exact expected size, every copy bounds-checked.</summary>
internal static class SnappyDecoder
{
    /// <summary>Source bytes the fast path needs left: a tag, a 16-byte literal read, and a 4-byte offset read.</summary>
    private const int FastSrcSlack = 21;

    /// <summary>Output room the fast path needs left: the longest copy (64) rounded up to 16-byte steps, plus one step.</summary>
    private const int FastDstSlack = 80;

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
        while (pos < src.Length)
        {
            // Fast path while both buffers have slack for a whole element plus a 16-byte overrun:
            // short literals and every copy (at most 64 bytes) need no per-byte bounds checks then;
            // the offset check stays, so corrupt input is still refused.
            if (src.Length - pos >= FastSrcSlack && dst.Length - op >= FastDstSlack)
            {
                uint t = Unsafe.Add(ref s, pos);
                uint k = t & 3;
                if (k == 0)
                {
                    int litLen = (int)(t >> 2) + 1;
                    if (litLen <= 16)
                    {
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, op), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref s, pos + 1)));
                        pos += 1 + litLen;
                        op += litLen;
                        continue;
                    }
                }
                else
                {
                    uint word = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, pos + 1));
                    int len, off;
                    if (k == 1)
                    {
                        len = (int)((t >> 2) & 7) + 4;
                        off = (int)(((t >> 5) << 8) | (word & 0xFF));
                        pos += 2;
                    }
                    else if (k == 2)
                    {
                        len = (int)(t >> 2) + 1;
                        off = (int)(word & 0xFFFF);
                        pos += 3;
                    }
                    else
                    {
                        len = (int)(t >> 2) + 1;
                        if (word > int.MaxValue) throw new ParquetException("Snappy copy offset is out of range");
                        off = (int)word;
                        pos += 5;
                    }
                    if (off == 0 || off > op)
                        throw new ParquetException("Snappy copy points outside the decompressed data");
                    ref byte to = ref Unsafe.Add(ref d, op);
                    ref byte from = ref Unsafe.Add(ref d, op - off);
                    if (off >= 16)
                    {
                        // Each 16-byte step reads bytes already final (off >= 16); the overrun stays inside the slack.
                        for (int j = 0; j < len; j += 16)
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
                    continue;
                }
            }
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
}
