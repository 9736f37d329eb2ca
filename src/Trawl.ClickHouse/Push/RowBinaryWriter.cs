using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Trawl.ClickHouse.Push;

/// <summary>
/// Writes ClickHouse's RowBinary format into a stream through one reused buffer: little-endian numbers, strings and
/// arrays as a LEB128 length then the bytes or elements, a Nullable as one flag byte (1 = NULL) before the value.
/// </summary>
internal sealed class RowBinaryWriter
{
    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private int _used;

    public RowBinaryWriter(Stream stream, int bufferBytes = 1 << 20)
    {
        _stream = stream;
        _buffer = new byte[bufferBytes];
    }

    /// <summary>Bytes handed to the stream so far (flushed or not).</summary>
    public long BytesWritten { get; private set; }

    public void WriteNullFlag(bool isNull) => Span(1)[0] = isNull ? (byte)1 : (byte)0;

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Span(8), value);

    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Span(8), value);

    public void WriteFloat64(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Span(8), value);

    public void WriteString(string value)
    {
        int bytes = Encoding.UTF8.GetByteCount(value);
        WriteLength(bytes);
        if (bytes <= _buffer.Length)
        {
            Encoding.UTF8.GetBytes(value, Span(bytes));
            return;
        }
        Flush();
        _stream.Write(Encoding.UTF8.GetBytes(value));
        BytesWritten += bytes;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteLength(value.Length);
        WriteRaw(value);
    }

    /// <summary>An Array(Float32): the count, then the floats.</summary>
    public void WriteFloat32Array(ReadOnlySpan<float> values)
    {
        WriteLength(values.Length);
        if (BitConverter.IsLittleEndian)
        {
            WriteRaw(MemoryMarshal.AsBytes(values));
            return;
        }
        foreach (float v in values)
            BinaryPrimitives.WriteSingleLittleEndian(Span(4), v);
    }

    private ushort[] _halves = [];

    /// <summary>An Array(BFloat16): the count, then each float rounded to two bytes (<see cref="BFloat16"/>).</summary>
    public void WriteBFloat16Array(ReadOnlySpan<float> values)
    {
        WriteLength(values.Length);
        if (_halves.Length < values.Length)
            _halves = new ushort[values.Length];
        var halves = _halves.AsSpan(0, values.Length);
        BFloat16.FromSingles(values, halves);
        if (BitConverter.IsLittleEndian)
        {
            WriteRaw(MemoryMarshal.AsBytes(halves));
            return;
        }
        foreach (ushort h in halves)
            BinaryPrimitives.WriteUInt16LittleEndian(Span(2), h);
    }

    public void Flush()
    {
        if (_used > 0)
        {
            _stream.Write(_buffer, 0, _used);
            _used = 0;
        }
        _stream.Flush();
    }

    private void WriteLength(int length)
    {
        uint v = (uint)length;
        while (v >= 0x80)
        {
            Span(1)[0] = (byte)(v | 0x80);
            v >>= 7;
        }
        Span(1)[0] = (byte)v;
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            if (_used == _buffer.Length)
                FlushBuffer();
            int n = Math.Min(bytes.Length, _buffer.Length - _used);
            bytes[..n].CopyTo(_buffer.AsSpan(_used));
            _used += n;
            BytesWritten += n;
            bytes = bytes[n..];
        }
    }

    private Span<byte> Span(int bytes)
    {
        if (_buffer.Length - _used < bytes)
            FlushBuffer();
        var span = _buffer.AsSpan(_used, bytes);
        _used += bytes;
        BytesWritten += bytes;
        return span;
    }

    private void FlushBuffer()
    {
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }
}
