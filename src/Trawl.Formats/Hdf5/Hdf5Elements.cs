using System.Buffers.Binary;

namespace Trawl.Formats.Hdf5;

/// <summary>Element conversions: byte swapping to little-endian and widening to long/double.</summary>
internal static class Hdf5Elements
{
    /// <summary>Reverses the bytes of each element in place (big-endian data to the machine's order).</summary>
    public static void SwapInPlace(Span<byte> data, int size)
    {
        if (size == 1) return;
        for (int i = 0; i + size <= data.Length; i += size)
            data.Slice(i, size).Reverse();
    }

    public static long ReadInt64(ReadOnlySpan<byte> data, long index, Hdf5DataType type)
    {
        var s = data.Slice((int)(index * type.Size), type.Size);
        return (type.Size, type.Signed) switch
        {
            (1, true) => (sbyte)s[0],
            (1, false) => s[0],
            (2, true) => BinaryPrimitives.ReadInt16LittleEndian(s),
            (2, false) => BinaryPrimitives.ReadUInt16LittleEndian(s),
            (4, true) => BinaryPrimitives.ReadInt32LittleEndian(s),
            (4, false) => BinaryPrimitives.ReadUInt32LittleEndian(s),
            _ => BinaryPrimitives.ReadInt64LittleEndian(s),
        };
    }

    public static double ReadDouble(ReadOnlySpan<byte> data, long index, Hdf5DataType type)
    {
        if (type.Class == Hdf5TypeClass.Integer) return ReadInt64(data, index, type);
        var s = data.Slice((int)(index * type.Size), type.Size);
        return type.Size switch
        {
            2 => (double)BinaryPrimitives.ReadHalfLittleEndian(s),
            4 => BinaryPrimitives.ReadSingleLittleEndian(s),
            _ => BinaryPrimitives.ReadDoubleLittleEndian(s),
        };
    }
}
