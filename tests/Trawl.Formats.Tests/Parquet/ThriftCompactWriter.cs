namespace Trawl.Formats.Tests.Parquet;

/// <summary>The writing half of Thrift's compact protocol, just enough for tests to build Parquet files.</summary>
internal sealed class ThriftCompactWriter
{
    private readonly MemoryStream _out = new();
    private readonly Stack<short> _last = new();
    private short _lastId;

    public byte[] ToArray() => _out.ToArray();

    public void StructBegin()
    {
        _last.Push(_lastId);
        _lastId = 0;
    }

    public void StructEnd()
    {
        _out.WriteByte(0);
        _lastId = _last.Pop();
    }

    public void Field(short id, byte type)
    {
        int delta = id - _lastId;
        if (delta is > 0 and <= 15)
            _out.WriteByte((byte)(delta << 4 | type));
        else
        {
            _out.WriteByte(type);
            Varint(ZigZag(id));
        }
        _lastId = id;
    }

    public void I32(short id, int v) { Field(id, 5); Varint(ZigZag(v)); }
    public void I64(short id, long v) { Field(id, 6); Varint(ZigZag(v)); }
    public void Bool(short id, bool v) => Field(id, (byte)(v ? 1 : 2));
    public void String(short id, string s) { Field(id, 8); Bytes(System.Text.Encoding.UTF8.GetBytes(s)); }
    public void StructField(short id) { Field(id, 12); StructBegin(); }

    public void ListBegin(short id, byte elementType, int count)
    {
        Field(id, 9);
        if (count < 15) _out.WriteByte((byte)(count << 4 | elementType));
        else { _out.WriteByte((byte)(0xF0 | elementType)); Varint((ulong)count); }
    }

    public void ListI32(int v) => Varint(ZigZag(v));
    public void ListString(string s) => Bytes(System.Text.Encoding.UTF8.GetBytes(s));

    private void Bytes(byte[] b)
    {
        Varint((ulong)b.Length);
        _out.Write(b);
    }

    private void Varint(ulong v)
    {
        while (v >= 0x80)
        {
            _out.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        _out.WriteByte((byte)v);
    }

    private static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));
}
