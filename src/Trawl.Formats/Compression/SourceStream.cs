using System.IO.Compression;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Compression;

/// <summary>
/// Opens a source file for reading, looking through gzip when the file starts with the gzip magic
/// bytes (whatever its name). Reads through the returned stream turn a corrupt gzip stream into a
/// <see cref="DataFormatException"/> naming the file, and <see cref="BytesRead"/> reports the bytes
/// of the file on disk consumed so far, for progress bars.
/// </summary>
internal sealed class SourceStream : Stream
{
    private readonly FileStream _file;
    private readonly Stream _inner;
    private readonly GzipTrailerCheck? _trailer;

    private SourceStream(string path, FileStream file, bool gzip)
    {
        Path = path;
        _file = file;
        IsGzip = gzip;
        if (gzip)
        {
            _trailer = new GzipTrailerCheck(file);
            _inner = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
        }
        else
        {
            _inner = file;
        }
    }

    public string Path { get; }

    public bool IsGzip { get; }

    /// <summary>Bytes of the file on disk consumed so far.</summary>
    public long BytesRead => _file.Position;

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
        bool gzip = false;
        try
        {
            Span<byte> magic = stackalloc byte[2];
            int n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            gzip = n == 2 && IsGzipMagic(magic);
            file.Position = 0;
            return new SourceStream(path, file, gzip) { BytesTotal = file.Length };
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>True when <paramref name="firstBytes"/> start with the gzip magic number 1F 8B.</summary>
    public static bool IsGzipMagic(ReadOnlySpan<byte> firstBytes) => firstBytes.Length >= 2 && firstBytes[0] == 0x1F && firstBytes[1] == 0x8B;

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = _inner.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(Path, "not a valid gzip stream (" + e.Message.TrimEnd('.') + ")", byteOffset: _file.Position, inner: e);
        }
        if (_trailer is not null)
        {
            _trailer.Count(n);
            if (n == 0 && buffer.Length > 0)
                _trailer.Verify(Path);
        }
        return n;
    }

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
