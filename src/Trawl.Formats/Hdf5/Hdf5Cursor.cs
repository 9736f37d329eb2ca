using System.Buffers.Binary;

namespace Trawl.Formats.Hdf5;

/// <summary>
/// Reads little-endian fields from a metadata block; running past its end is a format error naming
/// the block and the file offset (never an IndexOutOfRangeException).
/// </summary>
internal ref struct Hdf5Cursor
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly Hdf5Source _source;
    private readonly long _fileOffset;
    private readonly string _what;
    private readonly string? _dataset;

    public Hdf5Cursor(ReadOnlySpan<byte> data, Hdf5Source source, long fileOffset, string what, string? dataset = null)
    {
        _data = data;
        _source = source;
        _fileOffset = fileOffset;
        _what = what;
        _dataset = dataset;
        Position = 0;
    }

    public int Position { get; set; }
    public readonly int Remaining => _data.Length - Position;
    public readonly long FileOffset => _fileOffset + Position;

    public readonly Trawl.Formats.Tables.DataFormatException Error(string problem) => _source.Error($"{_what}: {problem}", FileOffset, _dataset);

    public ReadOnlySpan<byte> Bytes(long count)
    {
        if (count < 0 || count > Remaining)
            throw Error($"needs {count} more bytes but only {Remaining} remain: truncated or corrupt");
        var s = _data.Slice(Position, (int)count);
        Position += (int)count;
        return s;
    }

    public void Skip(long count) => Bytes(count);
    public byte U8() => Bytes(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2));
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8));

    /// <summary>An unsigned integer of 1..8 bytes.</summary>
    public ulong Sized(int size)
    {
        var b = Bytes(size);
        ulong v = 0;
        for (int i = size - 1; i >= 0; i--) v = (v << 8) | b[i];
        if (size < 8 && b.Length == size && AllOnes(b)) return ulong.MaxValue;
        return v;
    }

    public ulong Address() => Sized(_source.OffsetSize);
    public ulong Length() => Sized(_source.LengthSize);

    public void Signature(string expected)
    {
        var b = Bytes(4);
        if (b[0] != expected[0] || b[1] != expected[1] || b[2] != expected[2] || b[3] != expected[3])
        {
            Position -= 4;
            throw Error($"expected signature '{expected}', found '{Printable(b)}': an address points at the wrong place");
        }
    }

    public void Align(int to)
    {
        int pad = (to - Position % to) % to;
        Skip(Math.Min(pad, Remaining));
    }

    private static bool AllOnes(ReadOnlySpan<byte> b)
    {
        foreach (byte x in b)
            if (x != 0xFF) return false;
        return true;
    }

    private static string Printable(ReadOnlySpan<byte> b)
    {
        var chars = new char[b.Length];
        for (int i = 0; i < b.Length; i++) chars[i] = b[i] is >= 32 and < 127 ? (char)b[i] : '?';
        return new string(chars);
    }
}
