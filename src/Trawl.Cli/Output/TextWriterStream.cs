using System.Text;

namespace Trawl.Cli.Output;

/// <summary>
/// A write-only stream that decodes UTF-8 into a <see cref="TextWriter"/>, so byte writers (the
/// Formats row writers) can print to a command's output writer. A multi-byte character split
/// across writes is carried over by the decoder.
/// </summary>
internal sealed class TextWriterStream : Stream
{
    private readonly TextWriter _writer;
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private char[] _chars = new char[4096];

    public TextWriterStream(TextWriter writer) => _writer = writer;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int max = _decoder.GetCharCount(buffer, flush: false);
        if (_chars.Length < max)
            _chars = new char[Math.Max(max, _chars.Length * 2)];
        int n = _decoder.GetChars(buffer, _chars, flush: false);
        _writer.Write(_chars, 0, n);
    }

    public override void Flush() => _writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
