using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Trawl.Vectors.Kernels;

namespace Trawl.Vectors.Indexes;

/// <summary>
/// Distances between a float query and stored f32/f16 rows as ranking keys (smaller is better):
/// -dot for inner product, -cosine for cosine (the query normalised, rows scaled by their stored
/// inverse norm), squared distance for L2. The kernels are chosen once, here.
/// </summary>
internal sealed unsafe class IndexDistance
{
    private readonly delegate*<float*, float*, int, float> _f32;
    private readonly delegate*<float*, ushort*, int, float> _f16;
    private readonly bool _half;
    private readonly byte* _base;
    private readonly long _rowBytes;
    private readonly float* _inverseNorms;
    private readonly int _mode; // 0 inner product, 1 cosine, 2 L2

    public IndexDistance(VectorMatrix data, VectorMetric metric, float* inverseNorms)
    {
        Require(data, metric);
        Data = data;
        Metric = metric;
        Dimension = data.Dimension;
        Kernels = KernelSet.Current;
        _half = data.ElementType == VectorElementType.Float16;
        _f32 = metric == VectorMetric.L2 ? Kernels.L2F32 : Kernels.DotF32;
        _f16 = metric == VectorMetric.L2 ? Kernels.L2F16 : Kernels.DotF16;
        _base = (byte*)data.Address;
        _rowBytes = data.RowBytes;
        _inverseNorms = inverseNorms;
        _mode = metric switch { VectorMetric.Cosine => 1, VectorMetric.L2 => 2, _ => 0 };
        if (metric == VectorMetric.Cosine && inverseNorms == null) throw new ArgumentException("cosine needs the rows' inverse norms");
    }

    public VectorMatrix Data { get; }
    public VectorMetric Metric { get; }
    public int Dimension { get; }
    public KernelSet Kernels { get; }

    public static void Require(VectorMatrix data, VectorMetric metric)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.ElementType is not (VectorElementType.Float32 or VectorElementType.Float16))
            throw new ArgumentException($"approximate indexes need float32 or float16 vectors, not {data.ElementType}", nameof(data));
        if (metric is not (VectorMetric.InnerProduct or VectorMetric.Cosine or VectorMetric.L2))
            throw new ArgumentException($"approximate indexes support inner product, cosine and L2, not {metric}", nameof(metric));
        if (data.Rows > int.MaxValue - 1) throw new ArgumentException($"an index holds at most {int.MaxValue - 1} rows, the set has {data.Rows}", nameof(data));
    }

    /// <summary>Key of stored row <paramref name="id"/> for a prepared query; <paramref name="queryScale"/> is 1 for queries, the row's inverse norm for a row used as a query.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Key(float* query, float queryScale, int id)
    {
        byte* row = _base + id * _rowBytes;
        float raw = _half ? _f16(query, (ushort*)row, Dimension) : _f32(query, (float*)row, Dimension);
        return _mode switch
        {
            0 => -raw,
            1 => -raw * queryScale * _inverseNorms[id],
            _ => raw,
        };
    }

    public byte* RowPointer(int id) => _base + id * _rowBytes;

    /// <summary>Row <paramref name="id"/> as a query: a pointer to its floats (widened into <paramref name="scratch"/> for f16) and its scale.</summary>
    public float* RowAsQuery(int id, float* scratch, out float scale)
    {
        scale = _mode == 1 ? _inverseNorms[id] : 1f;
        byte* row = _base + id * _rowBytes;
        if (!_half) return (float*)row;
        Kernels.WidenF16((ushort*)row, scratch, Dimension);
        return scratch;
    }

    /// <summary>Copies and checks a query; cosine queries are normalised.</summary>
    public void PrepareQuery(ReadOnlySpan<float> query, Span<float> destination, int index)
    {
        float squares = 0;
        for (int i = 0; i < query.Length; i++)
        {
            float v = query[i];
            if (!float.IsFinite(v)) throw new ArgumentException($"query {index} component {i} is {v}; components must be finite numbers", "queries");
            destination[i] = v;
            squares += v * v;
        }
        if (_mode != 1) return;
        if (squares == 0) throw new ArgumentException($"query {index} is zero; cosine similarity needs a non-zero query", "queries");
        float scale = 1f / MathF.Sqrt(squares);
        for (int i = 0; i < query.Length; i++) destination[i] *= scale;
    }

    /// <summary>The metric's score for a key (similarities are negated back).</summary>
    public float Score(float key) => _mode == 2 ? key : -key;

    /// <summary>1 / |row| for rows 0..rows-1 (0 for a zero row), in parallel.</summary>
    public static float[] InverseNorms(VectorMatrix data, long rows, int threads)
    {
        float[] result = GC.AllocateUninitializedArray<float>((int)Math.Max(1, rows), pinned: true);
        KernelSet kernels = KernelSet.Current;
        int dim = data.Dimension;
        const long chunk = 4096;
        Parallel.For(0L, (rows + chunk - 1) / chunk, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            float[] scratch = GC.AllocateUninitializedArray<float>(dim, pinned: true);
            float* s = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(scratch));
            for (long row = c * chunk, end = Math.Min(rows, row + chunk); row < end; row++)
            {
                float* x = (float*)data.RowPointer(row);
                if (data.ElementType == VectorElementType.Float16)
                {
                    kernels.WidenF16((ushort*)x, s, dim);
                    x = s;
                }
                float squares = kernels.DotF32(x, x, dim);
                result[row] = squares > 0 ? 1f / MathF.Sqrt(squares) : 0f;
            }
            GC.KeepAlive(scratch);
        });
        return result;
    }

    public static float* Pin(float[] array) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
}
