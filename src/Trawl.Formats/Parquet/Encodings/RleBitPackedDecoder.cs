namespace Trawl.Formats.Parquet.Encodings;

/// <summary>The RLE / bit-packed hybrid encoding used for levels, dictionary indices and RLE booleans.</summary>
internal static class RleBitPackedDecoder
{
    /// <summary>Fills <paramref name="output"/> from <paramref name="src"/>; throws when the runs end too soon.</summary>
    public static void Decode(ReadOnlySpan<byte> src, int bitWidth, Span<int> output)
    {
        if (bitWidth is < 0 or > 32)
            throw new ParquetException($"bit width {bitWidth} is out of range");
        int pos = 0;
        int done = 0;
        int valueBytes = (bitWidth + 7) / 8;
        while (done < output.Length)
        {
            uint header = ReadVarint(src, ref pos);
            if ((header & 1) == 0)
            {
                uint run = header >> 1;
                if (pos + valueBytes > src.Length)
                    throw new ParquetException("RLE run ends early");
                int value = 0;
                for (int k = 0; k < valueBytes; k++)
                    value |= src[pos + k] << (8 * k);
                pos += valueBytes;
                int n = (int)Math.Min(run, (uint)(output.Length - done));
                if (run == 0)
                    throw new ParquetException("RLE run of length zero");
                output.Slice(done, n).Fill(value);
                done += n;
            }
            else
            {
                long values = (long)(header >> 1) * 8;
                long bytes = (header >> 1) * (long)bitWidth;
                if (values == 0)
                    throw new ParquetException("bit-packed run of length zero");
                if (bytes > src.Length - pos)
                {
                    // Writers may end a page's last run early; take what the bytes hold.
                    bytes = src.Length - pos;
                    values = bitWidth == 0 ? values : bytes * 8 / bitWidth;
                    if (values < output.Length - done)
                        throw new ParquetException("bit-packed run ends early");
                }
                int n = (int)Math.Min(values, output.Length - done);
                // The unpacker gets the rest of the section, not just the run, so its 8-byte window can read on past a
                // short run's end (it takes only the run's n values); a run cut to the run's bytes would go bit by bit at its tail.
                BitUnpacker.Unpack32(src[pos..], bitWidth, output.Slice(done, n));
                pos += (int)bytes;
                done += n;
            }
        }
    }

    internal static uint ReadVarint(ReadOnlySpan<byte> src, ref int pos)
    {
        uint result = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (pos >= src.Length)
                throw new ParquetException("encoded run ends early");
            byte b = src[pos++];
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return result;
        }
        throw new ParquetException("varint is too long");
    }

    internal static ulong ReadVarint64(ReadOnlySpan<byte> src, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (pos >= src.Length)
                throw new ParquetException("encoded run ends early");
            byte b = src[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return result;
        }
        throw new ParquetException("varint is too long");
    }
}
