using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Trawl.Vectors.Kernels;

namespace Trawl.Vectors.Search;

/// <summary>
/// Many queries against a range of rows as a blocked matrix product: a block of rows sized for
/// L2 is scored against every group of 4 queries by a 4×4 register-blocked kernel, so each row
/// is read from memory once per batch. f16 blocks are widened once into a small f32 tile.
/// </summary>
internal sealed unsafe class BlockedBatchScan(
    VectorMatrix data,
    VectorMetric metric,
    KernelSet kernels,
    float* queries,
    int count,
    int paddedCount,
    float[] querySquares,
    float* inverseNorms,
    float* squaredNorms,
    ulong[]? allow,
    long spanBytes)
{
    /// <summary>A block of f32 rows is sized to fit in this much cache (L2).</summary>
    private const int BlockBytes = 192 * 1024;
    /// <summary>Queries are taken in chunks of about this many bytes, so a chunk stays in cache while the rows stream past.</summary>
    internal const int QueryChunkBytes = 1 << 20;
    /// <summary>Rows read from the set once per batch and then scored by every query chunk (the page cache keeps them).</summary>
    internal const long SpanBytes = 64L << 20;

    public int Count => count;

    /// <summary>Scores rows start..end-1 against every query into one heap per query.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(long start, long end, TopKHeap[] heaps)
    {
        int dim = data.Dimension;
        int blockRows = Math.Clamp(BlockBytes / (dim * 4), 4, 1024) & ~3;
        bool widen = data.ElementType == VectorElementType.Float16;
        float[]? tile = widen ? GC.AllocateUninitializedArray<float>(blockRows * dim, pinned: true) : null;
        float* tilePointer = widen ? (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(tile!)) : null;
        var thresholds = new float[count];
        for (int q = 0; q < count; q++) thresholds[q] = heaps[q].Threshold;
        float* dots = stackalloc float[16];

        int chunk = Math.Clamp(QueryChunkBytes / (dim * 4), 4, 4096) & ~3;
        // Rows are taken a span at a time and every query chunk passes over a span before the next: a set larger
        // than memory is then read from disk once per batch, not once per query chunk.
        long spanRows = Math.Max(blockRows, spanBytes / Math.Max(1, data.RowBytes) / blockRows * blockRows);
        for (long spanStart = start; spanStart < end; spanStart += spanRows)
        for (int chunkStart = 0; chunkStart < paddedCount; chunkStart += chunk)
        {
            int chunkEnd = Math.Min(paddedCount, chunkStart + chunk);
            long spanEnd = Math.Min(end, spanStart + spanRows);
            for (long blockStart = spanStart; blockStart < spanEnd; blockStart += blockRows)
            {
                int rows = (int)Math.Min(blockRows, spanEnd - blockStart);
                float* x;
                if (widen)
                {
                    kernels.WidenF16((ushort*)data.RowPointer(blockStart), tilePointer, rows * dim);
                    x = tilePointer;
                }
                else
                {
                    x = (float*)data.RowPointer(blockStart);
                }
                int rows4 = rows & ~3;
                for (int group = chunkStart; group < chunkEnd; group += 4)
                {
                    float* q = queries + (long)group * dim;
                    int inGroup = Math.Min(4, count - group);
                    for (int r = 0; r < rows4; r += 4)
                    {
                        kernels.Dot4x4F32(q, dim, x + (long)r * dim, dim, dim, dots);
                        for (int qi = 0; qi < inGroup; qi++)
                            for (int ri = 0; ri < 4; ri++)
                                Offer(heaps, thresholds, group + qi, blockStart + r + ri, dots[qi * 4 + ri]);
                    }
                    for (int r = rows4; r < rows; r++)
                        for (int qi = 0; qi < inGroup; qi++)
                            Offer(heaps, thresholds, group + qi, blockStart + r, kernels.DotF32(q + (long)qi * dim, x + (long)r * dim, dim));
                }
            }
        }
        GC.KeepAlive(tile);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Offer(TopKHeap[] heaps, float[] thresholds, int query, long id, float dot)
    {
        if (allow is not null && (allow[id >> 6] & (1UL << (int)(id & 63))) == 0) return;
        float key = metric switch
        {
            VectorMetric.Cosine => -dot * inverseNorms[id],
            VectorMetric.L2 => MathF.Max(0f, querySquares[query] + squaredNorms[id] - 2f * dot),
            _ => -dot,
        };
        if (key <= thresholds[query])
        {
            heaps[query].Push(key, id);
            thresholds[query] = heaps[query].Threshold;
        }
    }
}
