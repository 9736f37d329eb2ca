using System.Numerics;

namespace Trawl.Vectors.Kernels;

/// <summary>Reference kernels: plain loops, the answer every vector path is tested against.</summary>
internal static unsafe class ScalarKernels
{
    public static float DotF32(float* a, float* b, int n)
    {
        float sum = 0;
        for (int i = 0; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    public static float L2F32(float* a, float* b, int n)
    {
        float sum = 0;
        for (int i = 0; i < n; i++)
        {
            float d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    public static float CosineF32(float* a, float* b, int n)
    {
        float dot = 0, na = 0, nb = 0;
        for (int i = 0; i < n; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return Cosine(dot, na, nb);
    }

    public static float DotF16(float* q, ushort* x, int n)
    {
        float sum = 0;
        for (int i = 0; i < n; i++) sum += q[i] * HalfBits.Widen(x[i]);
        return sum;
    }

    /// <summary>Dot product of a query multiplied by 2^112 with an f16 row: the same value as <see cref="DotF16"/> of the unscaled query.</summary>
    public static float DotF16Prescaled(float* scaledQuery, ushort* x, int n)
    {
        float sum = 0;
        for (int i = 0; i < n; i++) sum += scaledQuery[i] * HalfBits.InverseQueryScale * HalfBits.Widen(x[i]);
        return sum;
    }

    public static float L2F16(float* q, ushort* x, int n)
    {
        float sum = 0;
        for (int i = 0; i < n; i++)
        {
            float d = q[i] - HalfBits.Widen(x[i]);
            sum += d * d;
        }
        return sum;
    }

    public static void WidenF16(ushort* src, float* dst, int n)
    {
        for (int i = 0; i < n; i++) dst[i] = HalfBits.Widen(src[i]);
    }

    public static int DotI8(sbyte* a, sbyte* b, int n)
    {
        int sum = 0;
        for (int i = 0; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    public static int L2I8(sbyte* a, sbyte* b, int n)
    {
        int sum = 0;
        for (int i = 0; i < n; i++)
        {
            int d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    public static int Hamming(ulong* a, ulong* b, int words)
    {
        int sum = 0;
        for (int i = 0; i < words; i++) sum += BitOperations.PopCount(a[i] ^ b[i]);
        return sum;
    }

    /// <summary>Hamming distances of one query to <paramref name="count"/> rows <paramref name="rowBytes"/> apart.</summary>
    public static void HammingRows(ulong* query, byte* rows, long rowBytes, int count, int words, int* distances)
    {
        for (int r = 0; r < count; r++) distances[r] = Hamming(query, (ulong*)(rows + r * rowBytes), words);
    }

    /// <summary>Four queries (<paramref name="words"/> apart) against the rows; query j's distance to row r goes to <c>distances[r * 4 + j]</c>.</summary>
    public static void HammingRows4(ulong* queries, byte* rows, long rowBytes, int count, int words, int* distances)
        => Interleave4(queries, rows, rowBytes, count, words, distances, &HammingRows);

    /// <summary>Four one-query passes of <paramref name="rowsKernel"/>, interleaved into <c>distances[r * 4 + j]</c> (blocks of up to 256 rows on the stack).</summary>
    internal static void Interleave4(ulong* queries, byte* rows, long rowBytes, int count, int words, int* distances,
        delegate*<ulong*, byte*, long, int, int, int*, void> rowsKernel)
    {
        const int block = 256;
        int* one = stackalloc int[block];
        for (int start = 0; start < count; start += block)
        {
            int n = Math.Min(block, count - start);
            for (int j = 0; j < 4; j++)
            {
                rowsKernel(queries + j * words, rows + start * rowBytes, rowBytes, n, words, one);
                for (int r = 0; r < n; r++) distances[(start + r) * 4 + j] = one[r];
            }
        }
    }

    /// <summary>Dot products of 4 queries with 4 rows: out[q * 4 + r].</summary>
    public static void Dot4x4F32(float* q, long qStride, float* x, long xStride, int n, float* result)
    {
        for (int qi = 0; qi < 4; qi++)
            for (int r = 0; r < 4; r++)
                result[qi * 4 + r] = DotF32(q + qi * qStride, x + r * xStride, n);
    }

    /// <summary>Cosine from a dot product and two squared norms; 0 when either vector is zero.</summary>
    public static float Cosine(float dot, float squaredNormA, float squaredNormB)
    {
        float denominator = MathF.Sqrt(squaredNormA) * MathF.Sqrt(squaredNormB);
        return denominator > 0 ? dot / denominator : 0f;
    }
}
