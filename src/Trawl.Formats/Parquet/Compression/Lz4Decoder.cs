using System.Buffers.Binary;

namespace Trawl.Formats.Parquet.Compression;

/// <summary>
/// LZ4 decompression: the raw block format (LZ4_RAW), the Hadoop framing that Parquet's old LZ4
/// codec used (big-endian sizes around blocks) and the LZ4 frame format, which some writers used
/// for the same codec. Every copy is bounds-checked.
/// </summary>
internal static class Lz4Decoder
{
    /// <summary>Decodes one raw block into dst starting at dstStart; matches may reach back before dstStart. Returns the end position.</summary>
    public static int DecodeBlock(ReadOnlySpan<byte> src, Span<byte> dst, int dstStart)
    {
        int pos = 0, op = dstStart;
        while (true)
        {
            if (pos >= src.Length)
                throw new ParquetException("LZ4 block ends early");
            byte token = src[pos++];
            int lit = token >> 4;
            if (lit == 15)
                lit = ReadLength(src, ref pos, lit);
            if (lit > src.Length - pos || lit > dst.Length - op)
                throw new ParquetException("LZ4 literals run past the end of their block");
            Lz77.Literal(src, pos, dst, op, lit);
            pos += lit;
            op += lit;
            if (pos == src.Length)
                return op;
            if (src.Length - pos < 2)
                throw new ParquetException("LZ4 match offset ends early");
            int offset = BinaryPrimitives.ReadUInt16LittleEndian(src.Slice(pos, 2));
            pos += 2;
            int len = token & 15;
            if (len == 15)
                len = ReadLength(src, ref pos, len);
            len += 4;
            if (offset == 0 || offset > op || len > dst.Length - op)
                throw new ParquetException("LZ4 match points outside the decompressed data");
            Lz77.Copy(dst, op, offset, len);
            op += len;
        }
    }

    private static int ReadLength(ReadOnlySpan<byte> src, ref int pos, int len)
    {
        byte b;
        do
        {
            if (pos >= src.Length)
                throw new ParquetException("LZ4 length ends early");
            b = src[pos++];
            len += b;
            if (len > int.MaxValue - 300)
                throw new ParquetException("LZ4 length is out of range");
        } while (b == 255);
        return len;
    }

    public static void DecompressRaw(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int end = DecodeBlock(src, dst, 0);
        if (end != dst.Length)
            throw new ParquetException($"LZ4 block decompressed to {end} bytes where the page header says {dst.Length}");
    }

    /// <summary>Parquet's LZ4 codec: tries the LZ4 frame format (by its magic), then Hadoop framing, then a raw block.</summary>
    public static void DecompressLegacy(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        if (src.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(src) == 0x184D2204)
        {
            DecompressFrame(src, dst);
            return;
        }
        if (TryHadoop(src, dst))
            return;
        DecompressRaw(src, dst);
    }

    private static bool TryHadoop(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        try
        {
            int pos = 0, op = 0;
            while (pos < src.Length)
            {
                if (src.Length - pos < 8)
                    return false;
                uint total = BinaryPrimitives.ReadUInt32BigEndian(src.Slice(pos, 4));
                pos += 4;
                if (total > (uint)(dst.Length - op))
                    return false;
                int blockEnd = op + (int)total;
                while (op < blockEnd)
                {
                    if (src.Length - pos < 4)
                        return false;
                    uint clen = BinaryPrimitives.ReadUInt32BigEndian(src.Slice(pos, 4));
                    pos += 4;
                    if (clen > (uint)(src.Length - pos))
                        return false;
                    int end = DecodeBlock(src.Slice(pos, (int)clen), dst[..blockEnd], op);
                    pos += (int)clen;
                    op = end;
                }
            }
            return op == dst.Length;
        }
        catch (ParquetException)
        {
            return false;
        }
    }

    private static void DecompressFrame(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int pos = 4;
        if (src.Length - pos < 3)
            throw new ParquetException("LZ4 frame header ends early");
        byte flg = src[pos];
        if ((flg >> 6) != 1)
            throw new ParquetException("LZ4 frame version is not 1");
        bool blockChecksum = (flg & 0x10) != 0, contentSize = (flg & 0x08) != 0, contentChecksum = (flg & 0x04) != 0, dictId = (flg & 0x01) != 0;
        pos += 2 + (contentSize ? 8 : 0) + (dictId ? 4 : 0) + 1;
        int op = 0;
        while (true)
        {
            if (src.Length - pos < 4)
                throw new ParquetException("LZ4 frame ends early");
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(src.Slice(pos, 4));
            pos += 4;
            if (size == 0)
                break;
            bool stored = (size & 0x80000000) != 0;
            int len = (int)(size & 0x7FFFFFFF);
            if (len > src.Length - pos)
                throw new ParquetException("LZ4 frame block runs past the end of the page");
            if (stored)
            {
                if (len > dst.Length - op)
                    throw new ParquetException("LZ4 frame holds more bytes than the page header says");
                src.Slice(pos, len).CopyTo(dst[op..]);
                op += len;
            }
            else
            {
                op = DecodeBlock(src.Slice(pos, len), dst, op);
            }
            pos += len + (blockChecksum ? 4 : 0);
        }
        _ = contentChecksum;
        if (op != dst.Length)
            throw new ParquetException($"LZ4 frame decompressed to {op} bytes where the page header says {dst.Length}");
    }
}
