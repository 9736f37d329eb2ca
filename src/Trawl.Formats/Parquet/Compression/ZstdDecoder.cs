namespace Trawl.Formats.Parquet.Compression;

/// <summary>Zstandard (RFC 8878) decompression; not written yet.</summary>
internal static class ZstdDecoder
{
    public static bool IsAvailable => false;

    public static void Decompress(ReadOnlySpan<byte> src, Span<byte> dst)
        => throw new ParquetException("ZSTD compression is not supported yet");
}
