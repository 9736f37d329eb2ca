using System.Buffers.Binary;

namespace Trawl.Formats.Parquet.Thrift;

/// <summary>
/// Reads Thrift compact-protocol structures (the encoding of Parquet's footer and page headers)
/// from a bounded span. Every length is checked against the bytes that remain, and nesting is
/// limited, so corrupt input fails with a <see cref="ParquetException"/> instead of a huge
/// allocation or a stack overflow.
/// </summary>
internal ref struct ThriftCompactReader
{
    public const byte TypeStop = 0, TypeTrue = 1, TypeFalse = 2, TypeByte = 3, TypeI16 = 4, TypeI32 = 5,
        TypeI64 = 6, TypeDouble = 7, TypeBinary = 8, TypeList = 9, TypeSet = 10, TypeMap = 11, TypeStruct = 12;

    private const int MaxDepth = 64;
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;
    private int _depth;
    // Field ids are deltas from the previous field of the same struct, so each open struct keeps its own.
    private short _lastFieldId;
    private readonly Span<short> _stack;

    public ThriftCompactReader(ReadOnlySpan<byte> data, Span<short> stack)
    {
        _data = data;
        _pos = 0;
        _depth = 0;
        _lastFieldId = 0;
        _stack = stack;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _pos;

    public void BeginStruct()
    {
        if (_depth >= MaxDepth || _depth >= _stack.Length)
            throw new ParquetException("Thrift structures nested too deeply");
        _stack[_depth++] = _lastFieldId;
        _lastFieldId = 0;
    }

    public void EndStruct() => _lastFieldId = _stack[--_depth];

    /// <summary>Reads the next field header; false at the struct's STOP.</summary>
    public bool ReadField(out short id, out byte type)
    {
        byte b = ReadByte();
        type = (byte)(b & 0x0F);
        if (type == TypeStop)
        {
            id = 0;
            return false;
        }
        int delta = b >> 4;
        id = delta != 0 ? (short)(_lastFieldId + delta) : (short)ZigZag32(ReadVarint32());
        _lastFieldId = id;
        return true;
    }

    public static bool BoolFromFieldType(byte type) => type == TypeTrue;

    public byte ReadByte()
    {
        if (_pos >= _data.Length)
            throw new ParquetException("Thrift structure ends early");
        return _data[_pos++];
    }

    public int ReadI32() => ZigZag32(ReadVarint32());

    public long ReadI64() => ZigZag64(ReadVarint64());

    public double ReadDouble()
    {
        Need(8);
        double v = BinaryPrimitives.ReadDoubleLittleEndian(_data.Slice(_pos, 8));
        _pos += 8;
        return v;
    }

    public ReadOnlySpan<byte> ReadBinary()
    {
        uint len = ReadVarint32();
        if (len > (uint)(_data.Length - _pos))
            throw new ParquetException($"Thrift string of {len} bytes runs past the end of its structure");
        var s = _data.Slice(_pos, (int)len);
        _pos += (int)len;
        return s;
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBinary());

    /// <summary>Reads a list or set header; the count is checked against the bytes left (every element takes at least one byte, booleans included).</summary>
    public int ReadListHeader(out byte elementType)
    {
        byte b = ReadByte();
        elementType = (byte)(b & 0x0F);
        uint count = (uint)(b >> 4);
        if (count == 15)
            count = ReadVarint32();
        if (count > (uint)(_data.Length - _pos))
            throw new ParquetException($"Thrift list of {count} elements runs past the end of its structure");
        return (int)count;
    }

    public void Skip(byte type) => Skip(type, 0);

    private void Skip(byte type, int depth)
    {
        if (depth > MaxDepth)
            throw new ParquetException("Thrift structures nested too deeply");
        switch (type)
        {
            case TypeTrue:
            case TypeFalse:
                break;
            case TypeByte:
                ReadByte();
                break;
            case TypeI16:
            case TypeI32:
                ReadVarint32();
                break;
            case TypeI64:
                ReadVarint64();
                break;
            case TypeDouble:
                Need(8);
                _pos += 8;
                break;
            case TypeBinary:
                ReadBinary();
                break;
            case TypeList:
            case TypeSet:
            {
                int n = ReadListHeader(out byte et);
                for (int i = 0; i < n; i++)
                {
                    // Booleans inside collections take one byte each.
                    if (et is TypeTrue or TypeFalse) ReadByte();
                    else Skip(et, depth + 1);
                }
                break;
            }
            case TypeMap:
            {
                uint n = ReadVarint32();
                if (n == 0)
                    break;
                if (n > (uint)(_data.Length - _pos))
                    throw new ParquetException($"Thrift map of {n} entries runs past the end of its structure");
                byte kv = ReadByte();
                byte kt = (byte)(kv >> 4), vt = (byte)(kv & 0x0F);
                for (int i = 0; i < n; i++)
                {
                    if (kt is TypeTrue or TypeFalse) ReadByte(); else Skip(kt, depth + 1);
                    if (vt is TypeTrue or TypeFalse) ReadByte(); else Skip(vt, depth + 1);
                }
                break;
            }
            case TypeStruct:
            {
                BeginStruct();
                while (ReadField(out _, out byte ft))
                    Skip(ft, depth + 1);
                EndStruct();
                break;
            }
            default:
                throw new ParquetException($"unknown Thrift field type {type}");
        }
    }

    private void Need(int n)
    {
        if (_data.Length - _pos < n)
            throw new ParquetException("Thrift structure ends early");
    }

    private uint ReadVarint32()
    {
        uint result = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            byte b = ReadByte();
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return result;
        }
        throw new ParquetException("Thrift varint is too long");
    }

    private ulong ReadVarint64()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return result;
        }
        throw new ParquetException("Thrift varint is too long");
    }

    private static int ZigZag32(uint n) => (int)(n >> 1) ^ -(int)(n & 1);

    private static long ZigZag64(ulong n) => (long)(n >> 1) ^ -(long)(n & 1);
}
