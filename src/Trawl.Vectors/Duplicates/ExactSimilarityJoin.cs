using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Trawl.Vectors.Kernels;

namespace Trawl.Vectors.Duplicates;

/// <summary>
/// Every pair of rows at least <c>threshold</c> similar (cosine or inner product), found exactly by a
/// blocked self-join: a block of query rows, normalised into an f32 tile, meets every later block of rows
/// through the 4×4 register-blocked dot kernel, so each row is read once per query block. Query blocks
/// run in parallel; the result is in (first, second) order whatever the thread count.
/// </summary>
public sealed unsafe class ExactSimilarityJoin
{
    private const int QueryBlockRows = 64;
    private const int DataBlockRows = 256;

    private readonly VectorMatrix _data;
    private readonly float[]? _inverseNorms;
    private readonly float _threshold;
    private readonly KernelSet _kernels;

    /// <param name="inverseNorms">From <see cref="RowNorms.InverseNorms"/> for cosine; null for inner product.</param>
    public ExactSimilarityJoin(VectorMatrix data, float[]? inverseNorms, float threshold, SimdLevel level = SimdLevel.Vector512)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.ElementType is not (VectorElementType.Float32 or VectorElementType.Float16))
            throw new ArgumentException($"similarity joins need float vectors, not {data.ElementType}", nameof(data));
        if (inverseNorms is not null && inverseNorms.Length != data.Rows)
            throw new ArgumentException($"{inverseNorms.Length} norms for {data.Rows} rows", nameof(inverseNorms));
        _data = data;
        _inverseNorms = inverseNorms;
        _threshold = threshold;
        _kernels = KernelSet.For(level < SimdLevels.Current ? level : SimdLevels.Current);
    }

    public int Dimension => _data.Dimension;
    public float Threshold => _threshold;

    /// <summary>The kernels' level in use (tests compare levels).</summary>
    public SimdLevel Level => _kernels.Level;

    /// <summary>
    /// Pairs (i, j) with <paramref name="start"/> ≤ i &lt; <paramref name="end"/> and j &gt; i. At most
    /// <paramref name="maxPerRow"/> pairs are kept for each i (the lowest j), which bounds memory when a
    /// cluster is huge; the clusters stay joined through the pairs kept.
    /// </summary>
    public List<SimilarPair> Run(long start, long end, int maxPerRow, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, _data.Rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerRow, 1);
        if (end <= start) return [];
        int blocks = (int)((end - start + QueryBlockRows - 1) / QueryBlockRows);
        var results = new List<SimilarPair>[blocks];
        Parallel.For(0, blocks, new ParallelOptions { CancellationToken = cancel },
            () => new Scratch(_data.Dimension),
            (b, _, scratch) =>
            {
                long qs = start + (long)b * QueryBlockRows;
                long qe = Math.Min(end, qs + QueryBlockRows);
                results[b] = JoinBlock(qs, qe, maxPerRow, scratch, cancel);
                return scratch;
            },
            _ => { });
        int total = 0;
        foreach (var r in results) total += r.Count;
        var all = new List<SimilarPair>(total);
        foreach (var r in results) all.AddRange(r);
        return all;
    }

    private sealed class Scratch(int dim)
    {
        public readonly float[] Queries = GC.AllocateArray<float>(QueryBlockRows * dim, pinned: true);
        public readonly float[] Rows = GC.AllocateArray<float>(DataBlockRows * dim, pinned: true);
        public readonly int[] Counts = new int[QueryBlockRows];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<SimilarPair> JoinBlock(long qs, long qe, int maxPerRow, Scratch scratch, CancellationToken cancel)
    {
        int dim = _data.Dimension;
        var found = new List<SimilarPair>();
        int qn = (int)(qe - qs);
        int qn4 = (qn + 3) & ~3;
        Array.Clear(scratch.Counts);
        float* dots = stackalloc float[16];
        fixed (float* q = scratch.Queries)
        fixed (float* x = scratch.Rows)
        {
            Load(qs, qn, q);
            new Span<float>(q + (long)qn * dim, (qn4 - qn) * dim).Clear();
            long rows = _data.Rows;
            for (long xs = qs; xs < rows; xs += DataBlockRows)
            {
                cancel.ThrowIfCancellationRequested();
                int xn = (int)Math.Min(DataBlockRows, rows - xs);
                int xn4 = (xn + 3) & ~3;
                Load(xs, xn, x);
                new Span<float>(x + (long)xn * dim, (xn4 - xn) * dim).Clear();
                for (int g = 0; g < qn4; g += 4)
                {
                    // Rows before the group's first query cannot pair with it (j > i).
                    int firstRow = (int)Math.Max(0, qs + g - xs) & ~3;
                    for (int r = firstRow; r < xn4; r += 4)
                    {
                        _kernels.Dot4x4F32(q + (long)g * dim, dim, x + (long)r * dim, dim, dim, dots);
                        for (int k = 0; k < 16; k++)
                        {
                            if (!(dots[k] >= _threshold)) continue;
                            int qi = g + (k >> 2), ri = r + (k & 3);
                            long i = qs + qi, j = xs + ri;
                            if (qi >= qn || ri >= xn || j <= i || scratch.Counts[qi] >= maxPerRow) continue;
                            scratch.Counts[qi]++;
                            found.Add(new SimilarPair(i, j, dots[k]));
                        }
                    }
                }
            }
        }
        // Per query row the pairs came in j order within a data block; sort for one order across blocks.
        found.Sort(static (a, b) => a.First != b.First ? a.First.CompareTo(b.First) : a.Second.CompareTo(b.Second));
        return found;
    }

    /// <summary>Rows start..start+n-1 as f32, scaled to unit length for cosine.</summary>
    private void Load(long start, int n, float* tile)
    {
        int dim = _data.Dimension;
        if (_data.ElementType == VectorElementType.Float16)
            _kernels.WidenF16((ushort*)_data.RowPointer(start), tile, n * dim);
        else
            Buffer.MemoryCopy(_data.RowPointer(start), tile, (long)n * dim * 4, (long)n * dim * 4);
        if (_inverseNorms is null) return;
        for (int r = 0; r < n; r++)
        {
            float s = _inverseNorms[start + r];
            var row = new Span<float>(tile + (long)r * dim, dim);
            for (int d = 0; d < row.Length; d++) row[d] *= s;
        }
    }

    /// <summary>
    /// The exact similarity of row <paramref name="a"/>, given as f32 in <paramref name="rowA"/> (see
    /// <see cref="RowAsFloat"/>), and row <paramref name="b"/>, normalised as the join does: for re-checking candidates.
    /// </summary>
    public float Similarity(ReadOnlySpan<float> rowA, long a, long b)
    {
        if (rowA.Length != _data.Dimension) throw new ArgumentException($"{rowA.Length} values for dimension {_data.Dimension}", nameof(rowA));
        float dot;
        fixed (float* pa = rowA)
            dot = _data.ElementType == VectorElementType.Float16
                ? _kernels.DotF16(pa, (ushort*)_data.RowPointer(b), _data.Dimension)
                : _kernels.DotF32(pa, (float*)_data.RowPointer(b), _data.Dimension);
        return _inverseNorms is null ? dot : dot * _inverseNorms[a] * _inverseNorms[b];
    }

    /// <summary>A row as f32 (unscaled).</summary>
    public void RowAsFloat(long row, Span<float> destination)
    {
        if (destination.Length < _data.Dimension) throw new ArgumentException("destination shorter than a row", nameof(destination));
        fixed (float* d = destination)
        {
            if (_data.ElementType == VectorElementType.Float16) _kernels.WidenF16((ushort*)_data.RowPointer(row), d, _data.Dimension);
            else Buffer.MemoryCopy(_data.RowPointer(row), d, _data.Dimension * 4L, _data.Dimension * 4L);
        }
    }
}
