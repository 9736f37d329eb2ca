using Trawl.Vectors.Kernels;

namespace Trawl.Vectors.Duplicates;

/// <summary>Per-row norms for similarity joins, and the first row holding a NaN or infinity.</summary>
public static unsafe class RowNorms
{
    /// <summary>1/‖row‖ for every row (0 for an all-zero row), or the first non-finite row in <paramref name="badRow"/> (then null).</summary>
    public static float[]? InverseNorms(VectorMatrix data, out long badRow, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.ElementType is not (VectorElementType.Float32 or VectorElementType.Float16))
            throw new ArgumentException($"similarity joins need float vectors, not {data.ElementType}", nameof(data));
        if (data.Rows > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(data), "too many rows");
        var kernels = KernelSet.Current;
        int dim = data.Dimension;
        var result = new float[data.Rows];
        var row = new float[dim];
        badRow = -1;
        fixed (float* r = row)
        {
            for (long i = 0; i < data.Rows; i++)
            {
                if ((i & 0xFFFF) == 0) cancel.ThrowIfCancellationRequested();
                float* x = r;
                if (data.ElementType == VectorElementType.Float16) kernels.WidenF16((ushort*)data.RowPointer(i), r, dim);
                else x = (float*)data.RowPointer(i);
                float sq = kernels.DotF32(x, x, dim);
                if (!float.IsFinite(sq))
                {
                    badRow = i;
                    return null;
                }
                result[i] = sq > 0 ? 1f / MathF.Sqrt(sq) : 0f;
            }
        }
        return result;
    }
}
