namespace Trawl.Vectors;

/// <summary>Sizes of the element encodings.</summary>
public static class VectorElementTypes
{
    /// <summary>Bytes one row of <paramref name="dimension"/> components takes; bit rows are whole 64-bit words.</summary>
    public static long RowBytes(VectorElementType type, int dimension) => type switch
    {
        VectorElementType.Float32 => 4L * dimension,
        VectorElementType.Float16 => 2L * dimension,
        VectorElementType.Int8 => dimension,
        VectorElementType.Bits => (dimension + 63) / 64 * 8L,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown vector element type"),
    };

    public static bool IsDefined(VectorElementType type) => type is >= VectorElementType.Float32 and <= VectorElementType.Bits;
}
