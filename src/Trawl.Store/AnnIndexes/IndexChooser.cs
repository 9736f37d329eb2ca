using System.Globalization;

namespace Trawl.Store.AnnIndexes;

/// <summary>
/// Picks an index kind and its parameters from a memory budget, in the manner of autofaiss:
/// exact search for small sets, else the largest HNSW whose graph and vectors fit, else the largest HNSW
/// whose graph and int8 copy fit (<c>,SQ8</c>: the walk reads the copy, the vectors stay mapped for the exact
/// re-rank of the ef candidates a query keeps), else IVF-PQ with
/// about 4·√n lists and as many code bytes per vector as fit (always refined exactly from the
/// memory-mapped vectors, which then need not stay in memory). docs/indexes.md states the rule.
/// </summary>
public static class IndexChooser
{
    /// <summary>Below this many vectors exact search is quick enough (a few milliseconds a query) and needs no build.</summary>
    public const long FlatBelowRows = 20_000;

    /// <summary>HNSW link counts tried, largest first.</summary>
    public static readonly IReadOnlyList<int> HnswMs = [32, 16, 8];

    /// <summary>Sub-quantiser counts tried, largest first (only those dividing the dimension, at most dimension / 2).</summary>
    public static readonly IReadOnlyList<int> PqMs = [128, 96, 64, 48, 32, 24, 16, 12, 8, 4, 2, 1];

    /// <summary>Headroom on graph and list memory (allocator slack, upper levels, per-list bookkeeping).</summary>
    public const double Overhead = 1.1;

    /// <summary>Estimated memory of HNSW{M}: per vector the vector itself plus 2M four-byte level-0 links, ×1.1.</summary>
    public static long HnswBytes(long rows, int dimension, int elementBytes, int m) =>
        (long)Math.Ceiling(rows * ((double)dimension * elementBytes + m * 2 * 4 * Overhead));

    /// <summary>Estimated memory of HNSW{M},SQ8: per vector its one-byte-per-component copy plus 2M four-byte level-0 links, ×1.1 on the links.
    /// The stored vectors are not counted: only the ef candidates of each query are re-ranked from them.</summary>
    public static long HnswSq8Bytes(long rows, int dimension, int m) =>
        (long)Math.Ceiling(rows * ((double)dimension + m * 2 * 4 * Overhead));

    /// <summary>Estimated memory of IVF{nlist},PQ{m}: per vector m code bytes and a four-byte id, ×1.1, plus centroids and codebooks.</summary>
    public static long IvfPqBytes(long rows, int dimension, int nlist, int m) =>
        (long)Math.Ceiling(rows * (m + 4) * Overhead) + (long)nlist * dimension * 4 + 256L * dimension * 4;

    /// <summary>The IVF list count for n rows: the power of two nearest 4·√n, at most n / 39 (training needs rows per list), at least 1.</summary>
    public static int NListFor(long rows)
    {
        double target = 4 * Math.Sqrt(Math.Max(1, rows));
        int nlist = 1 << (int)Math.Round(Math.Log2(target));
        while (nlist > 1 && nlist > rows / 39) nlist >>= 1;
        return Math.Min(nlist, Trawl.Vectors.Indexes.IndexSpec.MaxNList);
    }

    public static IndexChoice Choose(long rows, int dimension, int elementBytes, long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(elementBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(budgetBytes, 1);
        var c = CultureInfo.InvariantCulture;
        long vectors = rows * dimension * elementBytes;
        if (rows < FlatBelowRows && vectors <= budgetBytes)
            return new IndexChoice("Flat", vectors, $"{rows.ToString("N0", c)} vectors (< {FlatBelowRows.ToString("N0", c)}): exact search is fast enough");
        foreach (int m in HnswMs)
        {
            long bytes = HnswBytes(rows, dimension, elementBytes, m);
            if (bytes <= budgetBytes)
                return new IndexChoice($"HNSW{m}", bytes, $"vectors and graph ({MemoryBudget.Format(bytes)}) fit in {MemoryBudget.Format(budgetBytes)}");
        }
        foreach (int m in HnswMs)
        {
            long bytes = HnswSq8Bytes(rows, dimension, m);
            if (bytes <= budgetBytes)
                return new IndexChoice($"HNSW{m},SQ8", bytes,
                    $"HNSW8 with its vectors needs {MemoryBudget.Format(HnswBytes(rows, dimension, elementBytes, 8))}; the graph and an int8 copy ({MemoryBudget.Format(bytes)}) fit in {MemoryBudget.Format(budgetBytes)}, the vectors stay on disk for re-ranking");
        }
        int nlist = NListFor(rows);
        foreach (int m in PqMs)
        {
            if (m > dimension / 2 && !(dimension == 1 && m == 1)) continue;
            if (dimension % m != 0) continue;
            long bytes = IvfPqBytes(rows, dimension, nlist, m);
            if (bytes <= budgetBytes)
                return new IndexChoice($"IVF{nlist},PQ{m},Refine", bytes,
                    $"HNSW8,SQ8 needs {MemoryBudget.Format(HnswSq8Bytes(rows, dimension, 8))}; {m}-byte codes in {nlist} lists ({MemoryBudget.Format(bytes)}) fit in {MemoryBudget.Format(budgetBytes)}");
        }
        int smallest = PqMs.Last(m => dimension % m == 0);
        throw new UserErrorException($"a memory budget of {MemoryBudget.Format(budgetBytes)} is too small for {rows.ToString("N0", c)} × {dimension} vectors: "
            + $"the smallest index (IVF{nlist},PQ{smallest}) needs about {MemoryBudget.Format(IvfPqBytes(rows, dimension, nlist, smallest))}");
    }
}
