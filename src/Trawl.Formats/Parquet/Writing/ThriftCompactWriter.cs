using System.Buffers;
using System.Text;

namespace Trawl.Formats.Parquet.Writing;

/// <summary>
/// Thrift's compact protocol, the write half: field headers with id deltas, zigzag varints, lists and
/// structs, into a growable buffer. Only what Parquet's page headers and footer use.
/// </summary>
internal sealed class ThriftCompactWriter
{
    private const byte TypeBoolTrue = 1, TypeBoolFalse = 2, TypeI32 = 5, TypeI64 = 6, TypeBinary = 8, TypeList = 9, TypeStruct = 12;

    private readonly ArrayBufferWriter<byte> _out;
    private readonly Stack<short> _lastField = new();
    private short _last;

    public ThriftCompactWriter(ArrayBufferWriter<byte> output) => _out = output;

    public void BeginStruct(short field)
    {
        FieldHeader(field, TypeStruct);
        PushStruct();
    }

    /// <summary>A struct as a list element (no field header).</summary>
    public void PushStruct()
    {
        _lastField.Push(_last);
        _last = 0;
    }

    public void EndStruct()
    {
        Byte(0);
        _last = _lastField.Pop();
    }

    public void I32(short field, int value)
    {
        FieldHeader(field, TypeI32);
        Varint(ZigZag(value));
    }

    public void I64(short field, long value)
    {
        FieldHeader(field, TypeI64);
        Varint(ZigZag(value));
    }

    public void Bool(short field, bool value) => FieldHeader(field, value ? TypeBoolTrue : TypeBoolFalse);

    public void Binary(short field, ReadOnlySpan<byte> value)
    {
        FieldHeader(field, TypeBinary);
        Varint((ulong)value.Length);
        _out.Write(value);
    }

    public void String(short field, string value) => Binary(field, Encoding.UTF8.GetBytes(value));

    public void ListOfI32(short field, IReadOnlyList<int> values)
    {
        ListHeader(field, TypeI32, values.Count);
        foreach (int v in values) Varint(ZigZag(v));
    }

    public void ListOfStrings(short field, IReadOnlyList<string> values)
    {
        ListHeader(field, TypeBinary, values.Count);
        foreach (string v in values)
        {
            byte[] b = Encoding.UTF8.GetBytes(v);
            Varint((ulong)b.Length);
            _out.Write(b);
        }
    }

    /// <summary>Starts a list of structs; write each with <see cref="PushStruct"/> … <see cref="EndStruct"/>.</summary>
    public void ListOfStructs(short field, int count) => ListHeader(field, TypeStruct, count);

    private void ListHeader(short field, byte elementType, int count)
    {
        FieldHeader(field, TypeList);
        if (count < 15) Byte((byte)((count << 4) | elementType));
        else
        {
            Byte((byte)(0xF0 | elementType));
            Varint((ulong)count);
        }
    }

    private void FieldHeader(short field, byte type)
    {
        int delta = field - _last;
        if (delta is > 0 and <= 15) Byte((byte)((delta << 4) | type));
        else
        {
            Byte(type);
            Varint(ZigZag(field));
        }
        _last = field;
    }

    private void Byte(byte b) => _out.Write([b]);

    private void Varint(ulong v)
    {
        Span<byte> buffer = stackalloc byte[10];
        int n = 0;
        while (v >= 0x80)
        {
            buffer[n++] = (byte)(v | 0x80);
            v >>= 7;
        }
        buffer[n++] = (byte)v;
        _out.Write(buffer[..n]);
    }

    private static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));
}
