using System.Buffers;
using Trawl.Formats.Compression;

namespace Trawl.Formats.Sources;

/// <summary>
/// A pooled window over a source stream for the text parsers: they look at <see cref="Data"/>, consume
/// whole records with <see cref="Advance"/>, and call <see cref="ReadMore"/> when a record runs past
/// the end of the window. Unconsumed bytes are kept (moved to the front); the window doubles when a
/// single record fills it, so the callers bound its size with their own record limit.
/// </summary>
internal sealed class SourceBuffer : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _bufferOffset;

    public SourceBuffer(Stream stream, int initialSize)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialSize, 4));
    }

    /// <summary>The unconsumed bytes read so far.</summary>
    public ReadOnlySpan<byte> Data => _buffer.AsSpan(_start, _end - _start);

    /// <summary>The offset in the (decompressed) source of <c>Data[0]</c>.</summary>
    public long Offset => _bufferOffset + _start;

    /// <summary>True once the stream has no more bytes: <see cref="Data"/> is all that is left.</summary>
    public bool AtEnd { get; private set; }

    public void Advance(int count) => _start += count;

    /// <summary>Reads more bytes after the unconsumed ones, filling the window; returns false at the end of the stream.</summary>
    public bool ReadMore()
    {
        if (AtEnd)
            return false;
        if (_start > 0)
        {
            int kept = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, kept);
            _bufferOffset += _start;
            _start = 0;
            _end = kept;
        }
        if (_end == _buffer.Length)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(checked(_buffer.Length * 2));
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        int before = _end;
        // Fill the whole free space, so a record that spans refills is re-scanned only a few times.
        while (_end < _buffer.Length)
        {
            int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0)
            {
                AtEnd = true;
                break;
            }
            _end += n;
        }
        return _end > before;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _start = _end = 0;
    }
}
