namespace Trawl.Formats.Parquet.Compression;

/// <summary>The back-reference copy shared by Snappy and LZ4 (the source may overlap the destination).</summary>
internal static class Lz77
{
    public static void Copy(Span<byte> dst, int op, int offset, int length)
    {
        int from = op - offset;
        if (offset >= length)
        {
            dst.Slice(from, length).CopyTo(dst.Slice(op, length));
            return;
        }
        // Overlapping: the run repeats the last `offset` bytes.
        for (int k = 0; k < length; k++)
            dst[op + k] = dst[from + k];
    }
}
