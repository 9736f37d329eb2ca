using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Trawl.Vectors;

/// <summary>
/// A read-only view of row-major vectors in memory: an address, a row count, a dimension and an
/// element type. It does not own the memory; <see cref="Owner"/> keeps whatever does (a mapped
/// file, a pinned array) reachable while the view is in use.
/// </summary>
public sealed unsafe class VectorMatrix
{
    /// <summary>The largest dimension accepted (keeps int8 sums and scratch tiles in range).</summary>
    public const int MaxDimension = 65536;

    private VectorMatrix(nint address, long rows, int dimension, VectorElementType elementType, object? owner)
    {
        if (!VectorElementTypes.IsDefined(elementType)) throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "unknown vector element type");
        if (dimension is < 1 or > MaxDimension) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"dimension must be 1..{MaxDimension}");
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (address == 0 && rows > 0) throw new ArgumentException("a matrix with rows needs an address", nameof(address));
        Address = address;
        Rows = rows;
        Dimension = dimension;
        ElementType = elementType;
        RowBytes = VectorElementTypes.RowBytes(elementType, dimension);
        Owner = owner;
    }

    public nint Address { get; }
    public long Rows { get; }
    /// <summary>Components per row (bits for <see cref="VectorElementType.Bits"/>).</summary>
    public int Dimension { get; }
    public VectorElementType ElementType { get; }
    public long RowBytes { get; }
    public object? Owner { get; }

    /// <summary>Wraps memory someone else owns; keep <paramref name="owner"/> (or the memory) alive while this view is used.</summary>
    public static VectorMatrix FromAddress(nint address, long rows, int dimension, VectorElementType elementType, object? owner = null)
        => new(address, rows, dimension, elementType, owner);

    /// <summary>Copies float rows into pinned memory.</summary>
    public static VectorMatrix FromFloat32(ReadOnlySpan<float> data, int dimension) => Copy(data, dimension, VectorElementType.Float32);

    /// <summary>Copies half-precision rows into pinned memory.</summary>
    public static VectorMatrix FromFloat16(ReadOnlySpan<Half> data, int dimension) => Copy(data, dimension, VectorElementType.Float16);

    /// <summary>Copies int8 rows into pinned memory.</summary>
    public static VectorMatrix FromInt8(ReadOnlySpan<sbyte> data, int dimension) => Copy(data, dimension, VectorElementType.Int8);

    /// <summary>Copies packed bit rows (each <c>ceil(bits / 64)</c> words) into pinned memory.</summary>
    public static VectorMatrix FromBits(ReadOnlySpan<ulong> data, int bits)
    {
        if (bits is < 1 or > MaxDimension) throw new ArgumentOutOfRangeException(nameof(bits), bits, $"bit dimension must be 1..{MaxDimension}");
        int words = (bits + 63) / 64;
        if (data.Length % words != 0) throw new ArgumentException($"{data.Length} words is not a whole number of {words}-word rows", nameof(data));
        ulong[] pinned = GC.AllocateUninitializedArray<ulong>(data.Length, pinned: true);
        data.CopyTo(pinned);
        return new VectorMatrix((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned)), data.Length / words, bits, VectorElementType.Bits, pinned);
    }

    private static VectorMatrix Copy<T>(ReadOnlySpan<T> data, int dimension, VectorElementType type) where T : unmanaged
    {
        if (dimension is < 1 or > MaxDimension) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"dimension must be 1..{MaxDimension}");
        if (data.Length % dimension != 0) throw new ArgumentException($"{data.Length} values is not a whole number of {dimension}-dimensional rows", nameof(data));
        T[] pinned = GC.AllocateUninitializedArray<T>(Math.Max(data.Length, 1), pinned: true);
        data.CopyTo(pinned);
        return new VectorMatrix((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned)), data.Length / dimension, dimension, type, pinned);
    }

    /// <summary>Address of row <paramref name="row"/>.</summary>
    public byte* RowPointer(long row) => (byte*)Address + row * RowBytes;

    /// <summary>The bytes of one row.</summary>
    public ReadOnlySpan<byte> RowBytesOf(long row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        return new ReadOnlySpan<byte>(RowPointer(row), checked((int)RowBytes));
    }

    /// <summary>Row <paramref name="row"/> widened to float (not for bit rows).</summary>
    public void CopyRowTo(long row, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        if (destination.Length < Dimension) throw new ArgumentException("destination is shorter than the dimension", nameof(destination));
        byte* p = RowPointer(row);
        switch (ElementType)
        {
            case VectorElementType.Float32:
                new ReadOnlySpan<float>(p, Dimension).CopyTo(destination);
                break;
            case VectorElementType.Float16:
                for (int i = 0; i < Dimension; i++) destination[i] = (float)((Half*)p)[i];
                break;
            case VectorElementType.Int8:
                for (int i = 0; i < Dimension; i++) destination[i] = ((sbyte*)p)[i];
                break;
            default:
                throw new NotSupportedException("bit rows have no float form");
        }
    }
}
