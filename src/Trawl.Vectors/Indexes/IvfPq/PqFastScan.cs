using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Trawl.Vectors.Indexes.IvfPq;

/// <summary>
/// Codes are stored in blocks of 64 rows, transposed: byte j of row r of a block sits at
/// <c>block[j·64 + r]</c>. A query's float look-up table is quantised to one byte per entry
/// (per sub-space minimum subtracted, one scale for all), and with AVX-512 VBMI one block is
/// estimated 64 rows at a time: each sub-space is two 128-entry byte permutes of the 64 codes plus
/// a select on the code's top bit, summed in 16-bit lanes. The estimate is within m/2 units of
/// the exact quantised sum, so a row whose estimate clears the heap threshold plus that margin is
/// rescored with the float table, and every row that could enter the heap is rescored: the
/// results are those of the float scan.
/// </summary>
internal static unsafe class PqFastScan
{
    public const int Block = 64;

    public static bool IsSupported => Avx512Vbmi.IsSupported && Avx512BW.IsSupported;

    /// <summary>Largest quantised entry for m sub-spaces: the sum of m entries must fit 16 bits.</summary>
    public static int MaxLevel(int m) => Math.Min(255, ushort.MaxValue / m);

    /// <summary>
    /// Quantises the float table [m][256] into bytes: q = round((t − min_j) · scale). Returns the
    /// scale and Σ min_j (estimate of a sum = Σq / scale + offset).
    /// </summary>
    /// <returns>False when the table holds non-finite values (then it must be scanned with floats).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Quantize(float* table, int m, byte* quantized, out float scale, out float offset)
    {
        float range = 0;
        offset = 0;
        float* lows = stackalloc float[Math.Min(m, 1024)];
        for (int j = 0; j < m; j++)
        {
            (float lo, float hi) = MinMax(table + j * ProductQuantizer.Centroids);
            if (j < 1024) lows[j] = lo;
            offset += lo;
            range = MathF.Max(range, hi - lo);
        }
        int level = MaxLevel(m);
        scale = range > 0 ? level / range : 1f;
        if (!float.IsFinite(range) || !float.IsFinite(offset) || !float.IsFinite(scale)) return false;
        for (int j = 0; j < m; j++)
        {
            float* t = table + j * ProductQuantizer.Centroids;
            float lo = j < 1024 ? lows[j] : MinMax(t).Min;
            QuantizeRow(t, lo, scale, level, quantized + j * ProductQuantizer.Centroids);
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (float Min, float Max) MinMax(float* t)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> lo = Vector512.Load(t), hi = lo;
            for (int c = 16; c < ProductQuantizer.Centroids; c += 16)
            {
                Vector512<float> v = Vector512.Load(t + c);
                lo = Vector512.Min(lo, v);
                hi = Vector512.Max(hi, v);
            }
            float min = lo[0], max = hi[0];
            for (int i = 1; i < 16; i++)
            {
                min = MathF.Min(min, lo[i]);
                max = MathF.Max(max, hi[i]);
            }
            return (min, max);
        }
        float a = t[0], b = t[0];
        for (int c = 1; c < ProductQuantizer.Centroids; c++)
        {
            a = MathF.Min(a, t[c]);
            b = MathF.Max(b, t[c]);
        }
        return (a, b);
    }

    /// <summary>q = ⌊(t − lo) · scale + ½⌋, clamped to 0..level.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void QuantizeRow(float* t, float lo, float scale, int level, byte* q)
    {
        int c = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> low = Vector512.Create(lo), s = Vector512.Create(scale), half = Vector512.Create(0.5f);
            Vector512<int> zero = Vector512<int>.Zero, top = Vector512.Create(level);
            for (; c < ProductQuantizer.Centroids; c += 64)
            {
                Vector512<int> a = Clamp(Vector512.ConvertToInt32((Vector512.Load(t + c) - low) * s + half), zero, top);
                Vector512<int> b = Clamp(Vector512.ConvertToInt32((Vector512.Load(t + c + 16) - low) * s + half), zero, top);
                Vector512<int> d = Clamp(Vector512.ConvertToInt32((Vector512.Load(t + c + 32) - low) * s + half), zero, top);
                Vector512<int> e = Clamp(Vector512.ConvertToInt32((Vector512.Load(t + c + 48) - low) * s + half), zero, top);
                Vector512<byte> bytes = Vector512.Narrow(Vector512.Narrow(a, b).AsUInt16(), Vector512.Narrow(d, e).AsUInt16());
                bytes.Store(q + c);
            }
            return;
        }
        for (; c < ProductQuantizer.Centroids; c++) q[c] = (byte)Math.Clamp((int)((t[c] - lo) * scale + 0.5f), 0, level);
    }

    private static Vector512<int> Clamp(Vector512<int> v, Vector512<int> lo, Vector512<int> hi) => Vector512.Min(Vector512.Max(v, lo), hi);

    /// <summary>Quantised sums of the 64 rows of a block (the scalar reference, and the path without VBMI).</summary>
    public static void EstimateScalar(byte* block, byte* quantized, int m, ushort* sums)
    {
        for (int r = 0; r < Block; r++)
        {
            int sum = 0;
            for (int j = 0; j < m; j++) sum += quantized[j * ProductQuantizer.Centroids + block[j * Block + r]];
            sums[r] = (ushort)sum;
        }
    }

    /// <summary>
    /// Quantised sums of the 64 rows of a block with VBMI byte permutes: sums[r] for r = 0..63.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Estimate(byte* block, byte* quantized, int m, ushort* sums)
    {
        Vector512<ushort> even = Vector512<ushort>.Zero, odd = Vector512<ushort>.Zero;
        Vector512<ushort> lowByte = Vector512.Create((ushort)0x00FF);
        for (int j = 0; j < m; j++, block += Block, quantized += ProductQuantizer.Centroids)
        {
            Vector512<byte> codes = Vector512.Load(block);
            Vector512<byte> low = Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(quantized), codes, Vector512.Load(quantized + 64));
            Vector512<byte> high = Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(quantized + 128), codes, Vector512.Load(quantized + 192));
            Vector512<byte> value = Vector512.ConditionalSelect(Vector512.LessThan(codes.AsSByte(), Vector512<sbyte>.Zero).AsByte(), high, low);
            even += value.AsUInt16() & lowByte;
            odd += Vector512.ShiftRightLogical(value.AsUInt16(), 8);
        }
        // Lane i of even is row 2i, of odd row 2i+1: interleave back into row order.
        Vector512<ushort> first = Avx512BW.PermuteVar32x16x2(even, Interleave0, odd);
        Vector512<ushort> second = Avx512BW.PermuteVar32x16x2(even, Interleave1, odd);
        first.Store(sums);
        second.Store(sums + 32);
    }

    private static readonly Vector512<ushort> Interleave0 = Vector512.Create(
        (ushort)0, 32, 1, 33, 2, 34, 3, 35, 4, 36, 5, 37, 6, 38, 7, 39, 8, 40, 9, 41, 10, 42, 11, 43, 12, 44, 13, 45, 14, 46, 15, 47);
    private static readonly Vector512<ushort> Interleave1 = Vector512.Create(
        (ushort)16, 48, 17, 49, 18, 50, 19, 51, 20, 52, 21, 53, 22, 54, 23, 55, 24, 56, 25, 57, 26, 58, 27, 59, 28, 60, 29, 61, 30, 62, 31, 63);

    /// <summary>Float sum of row r of a block (the exact PQ estimate; same addition order as <see cref="PqScan.Sum"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(byte* block, int r, float* table, int m)
    {
        float a = 0, b = 0, c = 0, d = 0;
        byte* code = block + r;
        int j = 0;
        for (; j + 4 <= m; j += 4, table += 4 * ProductQuantizer.Centroids, code += 4 * Block)
        {
            a += table[code[0]];
            b += table[ProductQuantizer.Centroids + code[Block]];
            c += table[2 * ProductQuantizer.Centroids + code[2 * Block]];
            d += table[3 * ProductQuantizer.Centroids + code[3 * Block]];
        }
        for (; j < m; j++, table += ProductQuantizer.Centroids, code += Block) a += table[code[0]];
        return (a + b) + (c + d);
    }
}
