using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Trawl.Formats.Parquet.Metadata;

namespace Trawl.Formats.Parquet.Encodings;

/// <summary>Decodes a page's value section (PLAIN, BYTE_STREAM_SPLIT, the DELTA encodings) into a <see cref="LeafValues"/>.</summary>
internal static class ValueDecoder
{
    public static int FixedWidth(ParquetPhysicalType type, int typeLength) => type switch
    {
        ParquetPhysicalType.Int32 or ParquetPhysicalType.Float => 4,
        ParquetPhysicalType.Int64 or ParquetPhysicalType.Double => 8,
        ParquetPhysicalType.Int96 => 12,
        ParquetPhysicalType.FixedLenByteArray => typeLength,
        _ => 0,
    };

    public static void DecodePlain(ParquetPhysicalType type, int typeLength, ReadOnlySpan<byte> src, int count, LeafValues dst)
    {
        switch (type)
        {
            case ParquetPhysicalType.Boolean:
            {
                if ((count + 7L) / 8 > src.Length)
                    throw new ParquetException("PLAIN booleans run past the end of the page");
                var o = dst.AppendInts(count);
                for (int i = 0; i < count; i++)
                    o[i] = (src[i >> 3] >> (i & 7)) & 1;
                break;
            }
            case ParquetPhysicalType.Int32:
            {
                Need(src, count * 4L, "INT32");
                var v = MemoryMarshal.Cast<byte, int>(src[..(count * 4)]);
                var o = dst.AppendInts(count);
                for (int i = 0; i < v.Length; i++)
                    o[i] = BitConverter.IsLittleEndian ? v[i] : BinaryPrimitives.ReverseEndianness(v[i]);
                break;
            }
            case ParquetPhysicalType.Int64:
            {
                Need(src, count * 8L, "INT64");
                var v = MemoryMarshal.Cast<byte, long>(src[..(count * 8)]);
                var o = dst.AppendInts(count);
                if (BitConverter.IsLittleEndian) v.CopyTo(o);
                else for (int i = 0; i < v.Length; i++) o[i] = BinaryPrimitives.ReverseEndianness(v[i]);
                break;
            }
            case ParquetPhysicalType.Float:
            {
                Need(src, count * 4L, "FLOAT");
                var o = dst.AppendDoubles(count);
                for (int i = 0; i < count; i++)
                    o[i] = BinaryPrimitives.ReadSingleLittleEndian(src.Slice(i * 4, 4));
                break;
            }
            case ParquetPhysicalType.Double:
            {
                Need(src, count * 8L, "DOUBLE");
                var o = dst.AppendDoubles(count);
                for (int i = 0; i < count; i++)
                    o[i] = BinaryPrimitives.ReadDoubleLittleEndian(src.Slice(i * 8, 8));
                break;
            }
            case ParquetPhysicalType.Int96:
            case ParquetPhysicalType.FixedLenByteArray:
            {
                int w = FixedWidth(type, typeLength);
                if (w <= 0)
                    throw new ParquetException($"fixed length {w} is not valid");
                Need(src, (long)count * w, type.ToString());
                dst.ReserveBytes(count, (long)count * w);
                for (int i = 0; i < count; i++)
                    dst.AddBytes(src.Slice(i * w, w));
                break;
            }
            case ParquetPhysicalType.ByteArray:
            {
                // One pass checks the lengths and records where each value sits; then the whole run
                // (length prefixes included) is copied into the heap at once instead of value by value.
                int pos = IndexPlainByteArrays(src, count, dst, dst.HeapLength);
                dst.AddRun(src[..pos], count);
                break;
            }
            default:
                throw new ParquetException($"physical type {type} is not known");
        }
    }

    /// <summary>
    /// Checks <paramref name="count"/> PLAIN byte arrays in <paramref name="src"/> and writes their starts (offset by
    /// <paramref name="heapAt"/>, where src will sit in the heap) and lengths after dst's values, without counting them;
    /// returns the bytes they span.
    /// </summary>
    public static int IndexPlainByteArrays(ReadOnlySpan<byte> src, int count, LeafValues dst, int heapAt)
    {
        if (count > src.Length / 4)
            throw new ParquetException("PLAIN byte array length runs past the end of the page");
        dst.ReserveBytes(count, 0);
        var starts = dst.Starts.AsSpan(dst.Count, count);
        var lengths = dst.Lengths.AsSpan(dst.Count, count);
        int pos = 0;
        for (int i = 0; i < count; i++)
        {
            if (src.Length - pos < 4)
                throw new ParquetException("PLAIN byte array length runs past the end of the page");
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(src.Slice(pos, 4));
            if (len > (uint)(src.Length - pos - 4))
                throw new ParquetException($"PLAIN byte array of {len} bytes runs past the end of the page");
            starts[i] = heapAt + pos + 4;
            lengths[i] = (int)len;
            pos += 4 + (int)len;
        }
        return pos;
    }

    public static void DecodeByteStreamSplit(ParquetPhysicalType type, int typeLength, ReadOnlySpan<byte> src, int count, LeafValues dst)
    {
        int w = type == ParquetPhysicalType.Int96 ? 0 : FixedWidth(type, typeLength);
        if (w <= 0)
            throw new ParquetException($"BYTE_STREAM_SPLIT does not apply to {type}");
        long size = (long)count * w;
        Need(src, size, "BYTE_STREAM_SPLIT");
        byte[] tmp = new byte[size];
        for (int j = 0; j < w; j++)
        {
            var stream = src.Slice(j * count, count);
            for (int i = 0; i < count; i++)
                tmp[i * w + j] = stream[i];
        }
        DecodePlain(type, typeLength, tmp, count, dst);
    }

    public static void DecodeDeltaBinaryPacked(ParquetPhysicalType type, ReadOnlySpan<byte> src, int count, LeafValues dst)
    {
        if (type is not (ParquetPhysicalType.Int32 or ParquetPhysicalType.Int64))
            throw new ParquetException($"DELTA_BINARY_PACKED does not apply to {type}");
        var o = dst.AppendInts(count);
        DeltaBinaryPackedDecoder.Decode(src, o);
        if (type == ParquetPhysicalType.Int32)
            for (int i = 0; i < o.Length; i++)
                o[i] = (int)o[i];
    }

    public static void DecodeDeltaLengthByteArray(ReadOnlySpan<byte> src, int count, LeafValues dst)
    {
        long[] lengths = new long[count];
        int pos = DeltaBinaryPackedDecoder.Decode(src, lengths);
        long total = 0;
        foreach (long l in lengths)
        {
            if (l < 0)
                throw new ParquetException("DELTA_LENGTH_BYTE_ARRAY has a negative length");
            total += l;
        }
        if (total > src.Length - pos)
            throw new ParquetException("DELTA_LENGTH_BYTE_ARRAY data runs past the end of the page");
        dst.ReserveBytes(count, total);
        foreach (long l in lengths)
        {
            dst.AddBytes(src.Slice(pos, (int)l));
            pos += (int)l;
        }
    }

    public static void DecodeDeltaByteArray(ReadOnlySpan<byte> src, int count, LeafValues dst, long maxBytes)
    {
        long[] prefixes = new long[count];
        int pos = DeltaBinaryPackedDecoder.Decode(src, prefixes);
        long[] suffixes = new long[count];
        pos += DeltaBinaryPackedDecoder.Decode(src[pos..], suffixes);
        long total = 0, suffixTotal = 0, prev = 0;
        for (int i = 0; i < count; i++)
        {
            if (prefixes[i] < 0 || suffixes[i] < 0 || prefixes[i] > prev)
                throw new ParquetException("DELTA_BYTE_ARRAY has a prefix longer than the previous value");
            prev = prefixes[i] + suffixes[i];
            total += prev;
            suffixTotal += suffixes[i];
            if (total > maxBytes)
                throw new ParquetException("DELTA_BYTE_ARRAY values exceed the column size limit");
        }
        if (suffixTotal > src.Length - pos)
            throw new ParquetException("DELTA_BYTE_ARRAY data runs past the end of the page");
        dst.ReserveBytes(count, total);
        int prevStart = 0;
        for (int i = 0; i < count; i++)
        {
            int p = (int)prefixes[i], s = (int)suffixes[i];
            int start = dst.HeapLength;
            // The prefix comes from the previous value, already in the heap.
            dst.Heap.AsSpan(prevStart, p).CopyTo(dst.Heap.AsSpan(start));
            src.Slice(pos, s).CopyTo(dst.Heap.AsSpan(start + p));
            pos += s;
            dst.HeapLength = start + p + s;
            dst.AddWritten(start, p + s);
            prevStart = start;
        }
    }

    private static void Need(ReadOnlySpan<byte> src, long bytes, string what)
    {
        if (bytes > src.Length)
            throw new ParquetException($"{what} values run past the end of the page ({bytes} bytes needed, {src.Length} there)");
    }
}
