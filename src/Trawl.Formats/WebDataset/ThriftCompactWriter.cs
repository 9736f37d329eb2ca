namespace Trawl.Formats.WebDataset;

/// <summary>The few Thrift compact-protocol writes a Parquet footer and page header need.</summary>
internal sealed class ThriftCompactWriter
{
    private readonly MemoryStream _out = new();
    private readonly Stack<short> _lastField = new();
    private short _last;

    public void StructBegin()
    {
        _lastField.Push(_last);
        _last = 0;
    }

    public void StructEnd()
    {
        _out.WriteByte(0);
        _last = _lastField.Pop();
    }

    /// <summary>A struct-typed field; follow with its fields and <see cref="StructEnd"/>.</summary>
    public void StructField(short id)
    {
        FieldHeader(id, 12);
        StructBegin();
    }

    public void I32(short id, int value)
    {
        FieldHeader(id, 5);
        Varint(ZigZag(value));
    }

    public void I64(short id, long value)
    {
        FieldHeader(id, 6);
        Varint(ZigZag(value));
    }

    public void String(short id, string value)
    {
        FieldHeader(id, 8);
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(value);
        Varint((ulong)bytes.Length);
        _out.Write(bytes);
    }

    /// <summary>A list field header; then write the elements with the List* methods (structs with StructBegin/StructEnd).</summary>
    public void ListBegin(short id, byte elementType, int count)
    {
        FieldHeader(id, 9);
        if (count < 15)
        {
            _out.WriteByte((byte)(count << 4 | elementType));
        }
        else
        {
            _out.WriteByte((byte)(0xF0 | elementType));
            Varint((ulong)count);
        }
    }

    public void ListI32(int value) => Varint(ZigZag(value));

    public void ListString(string value)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(value);
        Varint((ulong)bytes.Length);
        _out.Write(bytes);
    }

    public byte[] ToArray() => _out.ToArray();

    private void FieldHeader(short id, byte type)
    {
        int delta = id - _last;
        if (delta is > 0 and <= 15)
        {
            _out.WriteByte((byte)(delta << 4 | type));
        }
        else
        {
            _out.WriteByte(type);
            Varint(ZigZag(id));
        }
        _last = id;
    }

    private static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));

    private void Varint(ulong v)
    {
        while (v >= 0x80)
        {
            _out.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        _out.WriteByte((byte)v);
    }
}
