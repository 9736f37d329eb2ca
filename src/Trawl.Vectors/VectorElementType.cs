namespace Trawl.Vectors;

/// <summary>How one component of a stored vector is encoded. The numeric values are written to vector set files.</summary>
public enum VectorElementType : byte
{
    Float32 = 1,
    Float16 = 2,
    Int8 = 3,
    /// <summary>Packed bits, 64 per <see cref="ulong"/>, least significant bit first; dimension counts bits.</summary>
    Bits = 4,
}
