namespace Trawl.Formats.Parquet.Encodings;

/// <summary>DELTA_BINARY_PACKED: blocks of miniblocks holding bit-packed deltas from a running value.</summary>
internal static class DeltaBinaryPackedDecoder
{
    /// <summary>Reads the value count from the header without decoding.</summary>
    public static int PeekCount(ReadOnlySpan<byte> src)
    {
        int pos = 0;
        RleBitPackedDecoder.ReadVarint(src, ref pos);
        RleBitPackedDecoder.ReadVarint(src, ref pos);
        uint total = RleBitPackedDecoder.ReadVarint(src, ref pos);
        if (total > int.MaxValue)
            throw new ParquetException("DELTA_BINARY_PACKED value count is out of range");
        return (int)total;
    }

    /// <summary>Decodes exactly <paramref name="output"/>.Length values (the header must say the same); returns the bytes consumed.</summary>
    public static int Decode(ReadOnlySpan<byte> src, Span<long> output)
    {
        int pos = 0;
        uint blockSize = RleBitPackedDecoder.ReadVarint(src, ref pos);
        uint miniblocks = RleBitPackedDecoder.ReadVarint(src, ref pos);
        uint total = RleBitPackedDecoder.ReadVarint(src, ref pos);
        ulong zz = RleBitPackedDecoder.ReadVarint64(src, ref pos);
        long first = (long)(zz >> 1) ^ -(long)(zz & 1);
        if (blockSize == 0 || blockSize % 128 != 0 || blockSize > 1 << 20 || miniblocks == 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 32 != 0)
            throw new ParquetException($"DELTA_BINARY_PACKED header is not valid (block size {blockSize}, {miniblocks} miniblocks)");
        if (total != (uint)output.Length)
            throw new ParquetException($"DELTA_BINARY_PACKED holds {total} values where the page needs {output.Length}");
        if (total == 0)
            return pos;
        int perMini = (int)(blockSize / miniblocks);
        output[0] = first;
        long last = first;
        int i = 1;
        while (i < output.Length)
        {
            ulong mz = RleBitPackedDecoder.ReadVarint64(src, ref pos);
            long minDelta = (long)(mz >> 1) ^ -(long)(mz & 1);
            if (src.Length - pos < miniblocks)
                throw new ParquetException("DELTA_BINARY_PACKED block ends early");
            var widths = src.Slice(pos, (int)miniblocks);
            pos += (int)miniblocks;
            for (int m = 0; m < miniblocks && i < output.Length; m++)
            {
                int bw = widths[m];
                if (bw > 64)
                    throw new ParquetException($"DELTA_BINARY_PACKED bit width {bw} is out of range");
                int bytes = perMini * bw / 8;
                int n = Math.Min(perMini, output.Length - i);
                // The last miniblock may be cut short by a writer; only the needed values must be there.
                int need = (n * bw + 7) / 8;
                if (src.Length - pos < need)
                    throw new ParquetException("DELTA_BINARY_PACKED miniblock ends early");
                var dst = output.Slice(i, n);
                BitUnpacker.Unpack64(src.Slice(pos, Math.Min(bytes, src.Length - pos)), bw, dst);
                for (int k = 0; k < dst.Length; k++)
                {
                    last = unchecked(last + minDelta + dst[k]);
                    dst[k] = last;
                }
                pos += Math.Min(bytes, src.Length - pos);
                i += n;
            }
        }
        return pos;
    }
}
