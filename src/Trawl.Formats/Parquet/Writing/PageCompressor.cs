namespace Trawl.Formats.Parquet.Writing;

/// <summary>Compresses page bodies with the file's codec; the returned span is valid until the next call.</summary>
internal sealed class PageCompressor : IDisposable
{
    private readonly ParquetWriteCompression _compression;
    private readonly ZstdSharp.Compressor? _zstd;
    private byte[] _buffer = new byte[1 << 16];

    public PageCompressor(ParquetWriteCompression compression, int zstdLevel)
    {
        _compression = compression;
        if (compression == ParquetWriteCompression.Zstd) _zstd = new ZstdSharp.Compressor(zstdLevel);
    }

    /// <summary>The codec number written to the footer.</summary>
    public int Codec => _compression switch
    {
        ParquetWriteCompression.Snappy => 1,
        ParquetWriteCompression.Zstd => 6,
        _ => 0,
    };

    public ReadOnlySpan<byte> Compress(ReadOnlySpan<byte> body)
    {
        switch (_compression)
        {
            case ParquetWriteCompression.Snappy:
            {
                int bound = Snappier.Snappy.GetMaxCompressedLength(body.Length);
                if (_buffer.Length < bound) _buffer = new byte[Math.Max(bound, _buffer.Length * 2)];
                int n = Snappier.Snappy.Compress(body, _buffer);
                return _buffer.AsSpan(0, n);
            }
            case ParquetWriteCompression.Zstd:
            {
                int bound = ZstdSharp.Compressor.GetCompressBound(body.Length);
                if (_buffer.Length < bound) _buffer = new byte[Math.Max(bound, _buffer.Length * 2)];
                int n = _zstd!.Wrap(body, _buffer);
                return _buffer.AsSpan(0, n);
            }
            default:
                return body;
        }
    }

    public void Dispose() => _zstd?.Dispose();
}
