using System.Runtime.CompilerServices;

namespace Trawl.Vectors.Indexes.Hnsw;

/// <summary>
/// A query's distance to graph nodes as a ranking key (smaller is better). Walks are generic over
/// these structs so the JIT compiles one loop per kind with the kernel pointer hoisted.
/// </summary>
internal unsafe interface INodeDistance
{
    float Key(int node);
    /// <summary>The bytes a key reads, for prefetching.</summary>
    byte* Row(int node);
    /// <summary>Bytes of one row (how far to prefetch).</summary>
    int RowBytes { get; }
}

/// <summary>Exact keys against the stored f32/f16 rows.</summary>
internal readonly unsafe struct ExactNodeDistance(IndexDistance distance, float* query, float queryScale) : INodeDistance
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Key(int node) => distance.Key(query, queryScale, node);

    public byte* Row(int node) => distance.RowPointer(node);

    public int RowBytes => (int)distance.Data.RowBytes;
}

/// <summary>Keys against the int8 copy (SQ8): -dot for inner product and cosine, squared distance for L2, in integer sums.</summary>
internal readonly unsafe struct Int8NodeDistance(sbyte* codes, int dimension, sbyte* query, delegate*<sbyte*, sbyte*, int, int> kernel, float sign) : INodeDistance
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Key(int node) => sign * kernel(query, codes + (long)node * dimension, dimension);

    public byte* Row(int node) => (byte*)(codes + (long)node * dimension);

    public int RowBytes => dimension;
}

/// <summary>
/// Exact keys against f16 rows for inner product and cosine with the query multiplied by 2^112
/// (<see cref="Kernels.KernelSet.DotF16Prescaled"/>): the same values as <see cref="ExactNodeDistance"/>
/// with half the instructions per row. <paramref name="inverseNorms"/> is null for inner product;
/// <paramref name="queryScale"/> is 1 for queries, the row's inverse norm for a row used as a query (cosine).
/// </summary>
internal readonly unsafe struct PrescaledHalfNodeDistance(byte* rows, long rowBytes, int dimension, float* scaledQuery, float queryScale, float* inverseNorms,
    delegate*<float*, ushort*, int, float> kernel) : INodeDistance
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Key(int node)
    {
        float dot = kernel(scaledQuery, (ushort*)(rows + node * rowBytes), dimension);
        return inverseNorms == null ? -dot : -dot * queryScale * inverseNorms[node];
    }

    public byte* Row(int node) => rows + node * rowBytes;

    public int RowBytes => (int)rowBytes;
}
