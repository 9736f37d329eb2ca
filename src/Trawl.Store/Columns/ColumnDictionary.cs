using System.Buffers.Binary;
using System.Text;
using Trawl.Formats.Tables;

namespace Trawl.Store.Columns;

/// <summary>
/// The distinct values of a dictionary-coded column, memory-mapped: for each code its kind, its payload and its
/// rank in SQLite's order (so filters, sorts and facet ties need no value comparisons per row).
/// File layout after the header: rank u32[D], pad to 8, offset u64[D+1], kind u8[D], pad to 8, payload bytes.
/// </summary>
internal sealed class ColumnDictionary : IDisposable
{
    private readonly MappedColumnFile _file;
    private readonly long _offsetsAt, _kindsAt, _payloadAt;

    private ColumnDictionary(MappedColumnFile file)
    {
        _file = file;
        long d = file.Header.Entries;
        Count = checked((int)d);
        _offsetsAt = Align8(4 * d);
        _kindsAt = _offsetsAt + 8 * (d + 1);
        _payloadAt = Align8(_kindsAt + d);
        var offsets = Offsets;
        if (offsets[0] != 0 || offsets[Count] != (ulong)file.Header.PayloadBytes)
            throw new DataFormatException(file.Path, $"dictionary offsets do not match its payload size");
        for (int i = 0; i < Count; i++)
        {
            if (offsets[i + 1] < offsets[i])
                throw new DataFormatException(file.Path, $"dictionary offset {i + 1} goes backwards");
            if (Ranks[i] >= (uint)Count)
                throw new DataFormatException(file.Path, $"rank of entry {i} is out of range");
        }
        _ = file.Elements<byte>(_payloadAt, file.Header.PayloadBytes);
    }

    public int Count { get; }

    public ReadOnlySpan<uint> Ranks => _file.Elements<uint>(0, Count);
    private ReadOnlySpan<ulong> Offsets => _file.Elements<ulong>(_offsetsAt, Count + 1L);
    private ReadOnlySpan<byte> Kinds => _file.Elements<byte>(_kindsAt, Count);

    public static ColumnDictionary Open(string path)
    {
        var file = MappedColumnFile.Open(path, ColumnFilePart.Dictionary);
        try
        {
            return new ColumnDictionary(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public StoredValueKind Kind(int code) => (StoredValueKind)Kinds[code];

    public ReadOnlySpan<byte> Payload(int code)
    {
        var offsets = Offsets;
        ulong start = offsets[code], end = offsets[code + 1];
        return _file.Elements<byte>(_payloadAt + (long)start, (long)(end - start));
    }

    /// <summary>The value as Trawl returns values elsewhere: null, long, double, string or byte[].</summary>
    public object? Value(int code) => Decode(Kind(code), Payload(code));

    public static object? Decode(StoredValueKind kind, ReadOnlySpan<byte> payload) => kind switch
    {
        StoredValueKind.Null => null,
        StoredValueKind.Integer => BinaryPrimitives.ReadInt64LittleEndian(payload),
        StoredValueKind.Real => BinaryPrimitives.ReadDoubleLittleEndian(payload),
        StoredValueKind.Text => Encoding.UTF8.GetString(payload),
        _ => payload.ToArray(),
    };

    public static long Align8(long n) => (n + 7) & ~7L;

    public void Dispose() => _file.Dispose();
}
