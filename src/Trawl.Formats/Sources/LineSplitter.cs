using Trawl.Formats.Compression;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Sources;

/// <summary>Hands out the lines of a source (LF or CRLF; a UTF-8 BOM is skipped), each as one span, with its number and byte offset.</summary>
internal sealed class LineSplitter : IDisposable
{
    private readonly SourceStream _source;
    private readonly SourceBuffer _buffer;
    private readonly int _maxLineBytes;
    private int _pending;

    public LineSplitter(string path, int bufferSize, int maxLineBytes)
    {
        _source = SourceStream.Open(path);
        _buffer = new SourceBuffer(_source, bufferSize);
        _maxLineBytes = maxLineBytes;
        while (_buffer.Data.Length < 3 && _buffer.ReadMore())
        {
        }
        if (_buffer.Data.StartsWith("\uFEFF"u8))
            _buffer.Advance(3);
    }

    public string Path => _source.Path;

    public SourceStream Source => _source;

    /// <summary>The 1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The byte offset (in the decompressed data) of the line last returned.</summary>
    public long LineOffset { get; private set; }

    /// <summary>The next line without its line end; false at the end of the data.</summary>
    public bool TryNext(out ReadOnlySpan<byte> line)
    {
        if (_pending > 0)
        {
            _buffer.Advance(_pending);
            _pending = 0;
        }
        int searched = 0;
        while (true)
        {
            ReadOnlySpan<byte> data = _buffer.Data;
            int end = data[searched..].IndexOf((byte)'\n');
            if (end >= 0)
            {
                end += searched;
                _pending = end + 1;
                line = data[..(end > 0 && data[end - 1] == '\r' ? end - 1 : end)];
                break;
            }
            if (_buffer.AtEnd)
            {
                if (data.IsEmpty)
                {
                    line = default;
                    return false;
                }
                _pending = data.Length;
                line = data;
                break;
            }
            if (data.Length > _maxLineBytes)
                throw new DataFormatException(Path, $"a line is longer than the limit of {_maxLineBytes:N0} bytes", line: LineNumber + 1, byteOffset: _buffer.Offset);
            searched = data.Length;
            _buffer.ReadMore();
        }
        LineNumber++;
        LineOffset = _buffer.Offset;
        if (line.Length > _maxLineBytes)
            throw new DataFormatException(Path, $"a line is longer than the limit of {_maxLineBytes:N0} bytes", line: LineNumber, byteOffset: LineOffset);
        return true;
    }

    public void Dispose()
    {
        _buffer.Dispose();
        _source.Dispose();
    }
}
