using System.IO.Compression;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Compression;

/// <summary>
/// Opens a source file for reading, looking through gzip (any number of members), zstd (any number
/// of frames), bzip2 or xz as the file's first bytes say, whatever its name. A name that promises a
/// compression the bytes do not have is an error naming the file. Reads through the returned stream
/// turn corrupt compressed data into a <see cref="DataFormatException"/> naming the file, and
/// <see cref="BytesRead"/> reports the bytes of the file on disk consumed so far, for progress bars.
/// </summary>
internal sealed class SourceStream : Stream
{
    private readonly FileStream _file;
    private readonly Stream _inner;
    private readonly GzipTrailerCheck? _trailer;
    private long _decompressed;

    private SourceStream(string path, FileStream file, CompressionKind kind)
    {
        Path = path;
        _file = file;
        Compression = kind;
        switch (kind)
        {
            case CompressionKind.Gzip:
                _trailer = new GzipTrailerCheck(file);
                _inner = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
                break;
            case CompressionKind.Zstd:
                _inner = ZstdSource.Open(file);
                break;
            case CompressionKind.Bzip2:
                _inner = BZip2Stream.Create(file, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true, leaveOpen: true, tolerateTruncatedStream: false);
                break;
            case CompressionKind.Xz:
                _inner = new XZStream(file);
                break;
            default:
                _inner = file;
                break;
        }
    }

    public string Path { get; }

    public CompressionKind Compression { get; }

    public bool IsGzip => Compression == CompressionKind.Gzip;

    /// <summary>Bytes of the file on disk consumed so far.</summary>
    public long BytesRead => _file.Position;

    /// <summary>Bytes handed out so far (after decompression).</summary>
    public long DecompressedBytes => _decompressed;

    /// <summary>The size of the file on disk.</summary>
    public long BytesTotal { get; private init; }

    /// <summary>Opens <paramref name="path"/>; a missing file is a <see cref="FileNotFoundException"/>.</summary>
    public static SourceStream Open(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            throw new FileNotFoundException($"{path}: no such file", path);
        }
        catch (DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"{path}: no such file", path);
        }
        try
        {
            Span<byte> magic = stackalloc byte[CompressionDetector.MagicBytes];
            int n = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
            var kind = CompressionDetector.FromMagic(magic[..n]);
            var promised = CompressionDetector.FromName(path);
            if (promised != CompressionKind.None && promised != kind)
            {
                string what = kind == CompressionKind.None ? "is not compressed" : "is " + CompressionDetector.Describe(kind) + "-compressed";
                throw new DataFormatException(path, $"the name says {CompressionDetector.Describe(promised)} but the data {what}; rename the file or recompress it", byteOffset: 0);
            }
            file.Position = 0;
            return new SourceStream(path, file, kind) { BytesTotal = file.Length };
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>True when <paramref name="firstBytes"/> start with the gzip magic number 1F 8B.</summary>
    public static bool IsGzipMagic(ReadOnlySpan<byte> firstBytes) => CompressionDetector.FromMagic(firstBytes) == CompressionKind.Gzip;

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = _inner.Read(buffer);
        }
        catch (Exception e) when (Compression != CompressionKind.None && e is not OperationCanceledException and not DataFormatException and not OutOfMemoryException)
        {
            throw new DataFormatException(Path, Describe(e), byteOffset: _file.Position, inner: e);
        }
        _decompressed += n;
        if (_trailer is not null)
        {
            _trailer.Count(n);
            if (n == 0 && buffer.Length > 0)
                _trailer.Verify(Path);
        }
        return n;
    }

    private string Describe(Exception e) => Compression switch
    {
        CompressionKind.Zstd => ZstdSource.Describe(e),
        CompressionKind.Gzip => "not a valid gzip stream (" + e.Message.TrimEnd('.') + ")",
        _ => $"not a valid {CompressionDetector.Describe(Compression)} stream ({e.Message.TrimEnd('.')})",
    };

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!ReferenceEquals(_inner, _file))
                _inner.Dispose();
            _file.Dispose();
        }
        base.Dispose(disposing);
    }
}
