using System.Buffers.Binary;

namespace Trawl.Formats.Parquet.Compression;

/// <summary>Raw Snappy block decompression into a caller's buffer of the exact expected size, every copy bounds-checked.</summary>
internal static class SnappyDecoder
{
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
        while (pos < src.Length)
        {
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
