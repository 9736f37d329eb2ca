using System.Runtime.CompilerServices;
using Trawl.Vectors.Kernels;

namespace Trawl.Vectors.Search;

/// <summary>
/// Hamming distances over a range of bit rows, a block at a time: the kernel writes a block of distances,
/// then only rows at or under the heap's threshold pay for a push. Many queries are taken four at a time
/// against a block of rows that stays in cache, so the codes stream from memory once per batch.
/// </summary>
internal sealed unsafe class HammingScan(VectorMatrix data, KernelSet kernels, ulong* queries, int count, ulong[]? allow)
{
    /// <summary>Rows per block: 256 KB of 1024-bit codes, which stays in L2 while four queries at a time pass over it.</summary>
    internal const int BlockRows = 2048;

    private readonly int _words = (int)(data.RowBytes / 8);

    public int Count => count;

    /// <summary>Scores rows start..end-1 against every query into one heap per query.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(long start, long end, TopKHeap[] heaps)
    {
        int words = _words;
        long rowBytes = data.RowBytes;
        int* distances = stackalloc int[4 * BlockRows];
        for (long blockStart = start; blockStart < end; blockStart += BlockRows)
        {
            int rows = (int)Math.Min(BlockRows, end - blockStart);
            byte* x = data.RowPointer(blockStart);
            int q = 0;
            for (; q <= count - 4; q += 4)
            {
                kernels.HammingRows4(queries + (long)q * words, x, rowBytes, rows, words, distances);
                for (int j = 0; j < 4; j++) Keep(distances + j, 4, rows, blockStart, heaps[q + j]);
            }
            for (; q < count; q++)
            {
                kernels.HammingRows(queries + (long)q * words, x, rowBytes, rows, words, distances);
                Keep(distances, 1, rows, blockStart, heaps[q]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Keep(int* distances, int stride, int rows, long first, TopKHeap heap)
    {
        float threshold = heap.Threshold;
        if (allow is null)
        {
            for (int r = 0; r < rows; r++)
            {
                int d = distances[r * stride];
                if (d <= threshold)
                {
                    heap.Push(d, first + r);
                    threshold = heap.Threshold;
                }
            }
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            long id = first + r;
            int d = distances[r * stride];
            if (d <= threshold && (allow[id >> 6] & (1UL << (int)(id & 63))) != 0)
            {
                heap.Push(d, id);
                threshold = heap.Threshold;
            }
        }
    }
}
