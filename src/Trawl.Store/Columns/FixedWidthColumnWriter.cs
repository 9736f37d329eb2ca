using System.Runtime.InteropServices;

namespace Trawl.Store.Columns;

/// <summary>Writes a column file of fixed-width values (longs, doubles or codes) through a buffer; the header,
/// with the final row count, is written last. The file is a temporary one until the caller renames it.</summary>
internal sealed class FixedWidthColumnWriter<T> : IDisposable where T : unmanaged
{
    private readonly FileStream _stream;
    private readonly T[] _buffer = new T[64 * 1024];
    private readonly ColumnEncoding _encoding;
    private readonly ColumnFilePart _part;
    private int _buffered;

    public FixedWidthColumnWriter(string path, ColumnEncoding encoding, ColumnFilePart part)
    {
        Path = path;
        _encoding = encoding;
        _part = part;
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _stream.Write(new byte[ColumnFileHeader.Size]);
    }

    /// <summary>Continues an existing file after its first <paramref name="committedRows"/> values (anything past
    /// them, left by an interrupted append, is overwritten). Readers map only committed rows, so they are unaffected.</summary>
    public unsafe FixedWidthColumnWriter(string path, ColumnEncoding encoding, ColumnFilePart part, long committedRows)
    {
        Path = path;
        _encoding = encoding;
        _part = part;
        _stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1 << 16);
        long keep = ColumnFileHeader.Size + committedRows * sizeof(T);
        if (_stream.Length < keep)
            throw new Trawl.Formats.Tables.DataFormatException(path, $"holds fewer than the {committedRows} committed rows");
        _stream.SetLength(keep);
        _stream.Position = keep;
        Rows = committedRows;
    }

    public string Path { get; }
    public long Rows { get; private set; }

    public void Append(T value)
    {
        _buffer[_buffered++] = value;
        Rows++;
        if (_buffered == _buffer.Length)
            Flush();
    }

    /// <summary>Flushes, writes the header and syncs the file to disk.</summary>
    public void Complete()
    {
        Flush();
        Span<byte> header = stackalloc byte[ColumnFileHeader.Size];
        new ColumnFileHeader(_encoding, _part, Rows, 0, 0).Write(header);
        _stream.Position = 0;
        _stream.Write(header);
        _stream.Flush(flushToDisk: true);
    }

    private void Flush()
    {
        _stream.Write(MemoryMarshal.AsBytes(_buffer.AsSpan(0, _buffered)));
        _buffered = 0;
    }

    public void Dispose() => _stream.Dispose();
}
