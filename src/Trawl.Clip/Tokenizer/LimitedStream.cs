using Trawl.Formats.Tables;

namespace Trawl.Clip.Tokenizer;

/// <summary>Reads at most a given number of bytes from an inner stream (a gzip bomb stops here).</summary>
internal sealed class LimitedStream(Stream inner, long limit, string path) : Stream
{
    private long _read;

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = inner.Read(buffer, offset, count);
        _read += n;
        if (_read > limit) throw new DataFormatException(path, $"decompresses to more than {limit >> 20} MB");
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
}
