using System.IO.Compression;
using Trawl.Formats.Parquet.Metadata;

namespace Trawl.Formats.Parquet.Compression;

/// <summary>Decompresses one page into a buffer of exactly the size its header declares.</summary>
internal static class ParquetDecompressor
{
    public static bool IsSupported(ParquetCompression codec) => codec is ParquetCompression.Uncompressed or ParquetCompression.Snappy
        or ParquetCompression.Gzip or ParquetCompression.Brotli or ParquetCompression.Lz4 or ParquetCompression.Lz4Raw or ParquetCompression.Zstd;

    public static void Decompress(ParquetCompression codec, ReadOnlySpan<byte> src, Span<byte> dst)
    {
        switch (codec)
        {
            case ParquetCompression.Uncompressed:
                if (src.Length != dst.Length)
                    throw new ParquetException($"uncompressed page holds {src.Length} bytes where its header says {dst.Length}");
                src.CopyTo(dst);
                break;
            case ParquetCompression.Snappy:
                SnappyDecoder.Decompress(src, dst);
                break;
            case ParquetCompression.Gzip:
                Gunzip(src, dst);
                break;
            case ParquetCompression.Brotli:
            {
                var status = BrotliDecoderStatus(src, dst, out int written);
                if (!status || written != dst.Length)
                    throw new ParquetException($"Brotli page does not decompress to the {dst.Length} bytes its header says");
                break;
            }
            case ParquetCompression.Lz4:
                Lz4Decoder.DecompressLegacy(src, dst);
                break;
            case ParquetCompression.Lz4Raw:
                Lz4Decoder.DecompressRaw(src, dst);
                break;
            case ParquetCompression.Zstd:
                ZstdDecoder.Decompress(src, dst);
                break;
            default:
                throw new ParquetException($"{codec} compression is not supported");
        }
    }

    private static bool BrotliDecoderStatus(ReadOnlySpan<byte> src, Span<byte> dst, out int written)
    {
        using var decoder = new BrotliDecoder();
        var status = decoder.Decompress(src, dst, out _, out written);
        return status == System.Buffers.OperationStatus.Done;
    }

    private static unsafe void Gunzip(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        fixed (byte* p = src)
        {
            using var ms = new UnmanagedMemoryStream(p, src.Length);
            // GZipStream reads concatenated members one after another.
            using var gz = new GZipStream(ms, CompressionMode.Decompress);
            int total = 0;
            try
            {
                while (total < dst.Length)
                {
                    int n = gz.Read(dst[total..]);
                    if (n == 0)
                        break;
                    total += n;
                }
                Span<byte> extra = stackalloc byte[1];
                if (total != dst.Length || gz.Read(extra) != 0)
                    throw new ParquetException($"GZIP page does not decompress to the {dst.Length} bytes its header says");
            }
            catch (InvalidDataException e)
            {
                throw new ParquetException("GZIP data is corrupt: " + e.Message);
            }
        }
    }
}
