using System.Buffers.Binary;
using System.Text;

namespace Trawl.Store.Columns;

/// <summary>
/// SQLite's order of stored values (NULL, then numbers by value with integers and reals compared exactly, then text
/// by UTF-8 bytes (BINARY collation), then blobs by bytes), over values kept as a kind plus its payload bytes
/// (8 little-endian bytes for numbers, the bytes themselves for text and blobs).
/// </summary>
internal static class StoredValueOrder
{
    public static int Compare(StoredValueKind ka, ReadOnlySpan<byte> a, StoredValueKind kb, ReadOnlySpan<byte> b)
    {
        int ga = Group(ka), gb = Group(kb);
        if (ga != gb)
            return ga.CompareTo(gb);
        return ga switch
        {
            0 => 0,
            1 => CompareNumbers(ka, a, kb, b),
            _ => a.SequenceCompareTo(b),
        };
    }

    /// <summary>Compares a stored value with a .NET value (null, long, double, string or byte[]) as SQLite would.</summary>
    public static int Compare(StoredValueKind ka, ReadOnlySpan<byte> a, object? value)
    {
        Span<byte> scratch = stackalloc byte[8];
        switch (value)
        {
            case null:
                return Compare(ka, a, StoredValueKind.Null, default);
            case long l:
                BinaryPrimitives.WriteInt64LittleEndian(scratch, l);
                return Compare(ka, a, StoredValueKind.Integer, scratch);
            case double d:
                BinaryPrimitives.WriteDoubleLittleEndian(scratch, d);
                return Compare(ka, a, StoredValueKind.Real, scratch);
            case string s:
                return Compare(ka, a, StoredValueKind.Text, Encoding.UTF8.GetBytes(s));
            case byte[] bytes:
                return Compare(ka, a, StoredValueKind.Blob, bytes);
            default:
                throw new ArgumentException($"not a stored value: {value.GetType().Name}");
        }
    }

    private static int Group(StoredValueKind k) => k switch
    {
        StoredValueKind.Null => 0,
        StoredValueKind.Integer or StoredValueKind.Real => 1,
        StoredValueKind.Text => 2,
        _ => 3,
    };

    private static int CompareNumbers(StoredValueKind ka, ReadOnlySpan<byte> a, StoredValueKind kb, ReadOnlySpan<byte> b)
    {
        if (ka == StoredValueKind.Integer && kb == StoredValueKind.Integer)
            return BinaryPrimitives.ReadInt64LittleEndian(a).CompareTo(BinaryPrimitives.ReadInt64LittleEndian(b));
        if (ka == StoredValueKind.Real && kb == StoredValueKind.Real)
            return BinaryPrimitives.ReadDoubleLittleEndian(a).CompareTo(BinaryPrimitives.ReadDoubleLittleEndian(b));
        if (ka == StoredValueKind.Integer)
            return CompareIntReal(BinaryPrimitives.ReadInt64LittleEndian(a), BinaryPrimitives.ReadDoubleLittleEndian(b));
        return -CompareIntReal(BinaryPrimitives.ReadInt64LittleEndian(b), BinaryPrimitives.ReadDoubleLittleEndian(a));
    }

    /// <summary>An integer against a real without the rounding of converting the integer to double.</summary>
    public static int CompareIntReal(long i, double r)
    {
        if (double.IsNaN(r))
            return 1;
        if (r >= 9223372036854775808.0)
            return -1;
        if (r < -9223372036854775808.0)
            return 1;
        double t = Math.Truncate(r);
        long ri = (long)t;
        if (i != ri)
            return i.CompareTo(ri);
        return t == r ? 0 : (r > t ? -1 : 1);
    }
}
