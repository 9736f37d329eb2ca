using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Trawl.Vectors.Kernels;

/// <summary>AVX2 + FMA kernels: four independent accumulators hide the FMA latency; tails run scalar.</summary>
internal static unsafe class Vector256Kernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DotF32(float* a, float* b, int n)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int i = 0;
        for (; i <= n - 32; i += 32)
        {
            s0 = Fma.MultiplyAdd(Avx.LoadVector256(a + i), Avx.LoadVector256(b + i), s0);
            s1 = Fma.MultiplyAdd(Avx.LoadVector256(a + i + 8), Avx.LoadVector256(b + i + 8), s1);
            s2 = Fma.MultiplyAdd(Avx.LoadVector256(a + i + 16), Avx.LoadVector256(b + i + 16), s2);
            s3 = Fma.MultiplyAdd(Avx.LoadVector256(a + i + 24), Avx.LoadVector256(b + i + 24), s3);
        }
        for (; i <= n - 8; i += 8)
            s0 = Fma.MultiplyAdd(Avx.LoadVector256(a + i), Avx.LoadVector256(b + i), s0);
        float sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float L2F32(float* a, float* b, int n)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int i = 0;
        for (; i <= n - 32; i += 32)
        {
            Vector256<float> d0 = Avx.LoadVector256(a + i) - Avx.LoadVector256(b + i);
            Vector256<float> d1 = Avx.LoadVector256(a + i + 8) - Avx.LoadVector256(b + i + 8);
            Vector256<float> d2 = Avx.LoadVector256(a + i + 16) - Avx.LoadVector256(b + i + 16);
            Vector256<float> d3 = Avx.LoadVector256(a + i + 24) - Avx.LoadVector256(b + i + 24);
            s0 = Fma.MultiplyAdd(d0, d0, s0);
            s1 = Fma.MultiplyAdd(d1, d1, s1);
            s2 = Fma.MultiplyAdd(d2, d2, s2);
            s3 = Fma.MultiplyAdd(d3, d3, s3);
        }
        for (; i <= n - 8; i += 8)
        {
            Vector256<float> d = Avx.LoadVector256(a + i) - Avx.LoadVector256(b + i);
            s0 = Fma.MultiplyAdd(d, d, s0);
        }
        float sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        for (; i < n; i++)
        {
            float d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float CosineF32(float* a, float* b, int n)
    {
        Vector256<float> dot = default, na = default, nb = default;
        int i = 0;
        for (; i <= n - 8; i += 8)
        {
            Vector256<float> va = Avx.LoadVector256(a + i), vb = Avx.LoadVector256(b + i);
            dot = Fma.MultiplyAdd(va, vb, dot);
            na = Fma.MultiplyAdd(va, va, na);
            nb = Fma.MultiplyAdd(vb, vb, nb);
        }
        float d = Vector256.Sum(dot), sa = Vector256.Sum(na), sb = Vector256.Sum(nb);
        for (; i < n; i++)
        {
            d += a[i] * b[i];
            sa += a[i] * a[i];
            sb += b[i] * b[i];
        }
        return ScalarKernels.Cosine(d, sa, sb);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LoadHalves(ushort* p) => HalfBits.Widen(Avx2.ConvertToVector256Int32((short*)p));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DotF16(float* q, ushort* x, int n)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int i = 0;
        for (; i <= n - 32; i += 32)
        {
            s0 = Fma.MultiplyAdd(Avx.LoadVector256(q + i), LoadHalves(x + i), s0);
            s1 = Fma.MultiplyAdd(Avx.LoadVector256(q + i + 8), LoadHalves(x + i + 8), s1);
            s2 = Fma.MultiplyAdd(Avx.LoadVector256(q + i + 16), LoadHalves(x + i + 16), s2);
            s3 = Fma.MultiplyAdd(Avx.LoadVector256(q + i + 24), LoadHalves(x + i + 24), s3);
        }
        for (; i <= n - 8; i += 8)
            s0 = Fma.MultiplyAdd(Avx.LoadVector256(q + i), LoadHalves(x + i), s0);
        float sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        for (; i < n; i++) sum += q[i] * HalfBits.Widen(x[i]);
        return sum;
    }

    /// <summary>
    /// Dot product of a query multiplied by 2^112 with an f16 row: the half bits need no
    /// rebiasing, which leaves 4 instructions per vector. A row holding an infinity or NaN is
    /// redone by the exact scalar kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DotF16Prescaled(float* q, ushort* x, int n)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        Vector256<int> e0, e1, e2, e3, exponents = default;
        int i = 0;
        for (; i <= n - 32; i += 32)
        {
            s0 = Fma.MultiplyAdd(Avx.LoadVector256(q + i), HalfBits.Unscaled(Avx2.ConvertToVector256Int32((short*)(x + i)), out e0), s0);
            s1 = Fma.MultiplyAdd(Avx.LoadVector256(q + i + 8), HalfBits.Unscaled(Avx2.ConvertToVector256Int32((short*)(x + i + 8)), out e1), s1);
            s2 = Fma.MultiplyAdd(Avx.LoadVector256(q + i + 16), HalfBits.Unscaled(Avx2.ConvertToVector256Int32((short*)(x + i + 16)), out e2), s2);
            s3 = Fma.MultiplyAdd(Avx.LoadVector256(q + i + 24), HalfBits.Unscaled(Avx2.ConvertToVector256Int32((short*)(x + i + 24)), out e3), s3);
            exponents = Vector256.Max(exponents, Vector256.Max(Vector256.Max(e0, e1), Vector256.Max(e2, e3)));
        }
        for (; i <= n - 8; i += 8)
        {
            s0 = Fma.MultiplyAdd(Avx.LoadVector256(q + i), HalfBits.Unscaled(Avx2.ConvertToVector256Int32((short*)(x + i)), out e0), s0);
            exponents = Vector256.Max(exponents, e0);
        }
        if (Vector256.EqualsAny(exponents, Vector256.Create(HalfBits.ExponentMaxShifted))) return ScalarKernels.DotF16Prescaled(q, x, n);
        float sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        for (; i < n; i++) sum += q[i] * HalfBits.InverseQueryScale * HalfBits.Widen(x[i]);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float L2F16(float* q, ushort* x, int n)
    {
        Vector256<float> s0 = default, s1 = default;
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            Vector256<float> d0 = Avx.LoadVector256(q + i) - LoadHalves(x + i);
            Vector256<float> d1 = Avx.LoadVector256(q + i + 8) - LoadHalves(x + i + 8);
            s0 = Fma.MultiplyAdd(d0, d0, s0);
            s1 = Fma.MultiplyAdd(d1, d1, s1);
        }
        for (; i <= n - 8; i += 8)
        {
            Vector256<float> d = Avx.LoadVector256(q + i) - LoadHalves(x + i);
            s0 = Fma.MultiplyAdd(d, d, s0);
        }
        float sum = Vector256.Sum(s0 + s1);
        for (; i < n; i++)
        {
            float d = q[i] - HalfBits.Widen(x[i]);
            sum += d * d;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WidenF16(ushort* src, float* dst, int n)
    {
        int i = 0;
        for (; i <= n - 8; i += 8) Avx.Store(dst + i, LoadHalves(src + i));
        for (; i < n; i++) dst[i] = HalfBits.Widen(src[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int DotI8(sbyte* a, sbyte* b, int n)
    {
        Vector256<int> s0 = default, s1 = default;
        int i = 0;
        for (; i <= n - 32; i += 32)
        {
            s0 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(a + i), Avx2.ConvertToVector256Int16(b + i));
            s1 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(a + i + 16), Avx2.ConvertToVector256Int16(b + i + 16));
        }
        for (; i <= n - 16; i += 16)
            s0 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(a + i), Avx2.ConvertToVector256Int16(b + i));
        int sum = Vector256.Sum(s0 + s1);
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int L2I8(sbyte* a, sbyte* b, int n)
    {
        Vector256<int> s0 = default;
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            Vector256<short> d = Avx2.ConvertToVector256Int16(a + i) - Avx2.ConvertToVector256Int16(b + i);
            s0 += Avx2.MultiplyAddAdjacent(d, d);
        }
        int sum = Vector256.Sum(s0);
        for (; i < n; i++)
        {
            int d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    /// <summary>Hamming distances of one query to <paramref name="count"/> rows <paramref name="rowBytes"/> apart (a direct call per row, no function pointer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HammingRows(ulong* query, byte* rows, long rowBytes, int count, int words, int* distances)
    {
        for (int r = 0; r < count; r++) distances[r] = Hamming(query, (ulong*)(rows + r * rowBytes), words);
    }

    /// <summary>Four queries (<paramref name="words"/> apart) against the rows; query j's distance to row r goes to <c>distances[r * 4 + j]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HammingRows4(ulong* queries, byte* rows, long rowBytes, int count, int words, int* distances)
        => ScalarKernels.Interleave4(queries, rows, rowBytes, count, words, distances, &HammingRows);

    /// <summary>Population count by nibble lookup (PSHUFB), summed per 64-bit lane with PSADBW.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Hamming(ulong* a, ulong* b, int words)
    {
        Vector256<byte> table = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        Vector256<byte> low = Vector256.Create((byte)0x0F);
        Vector256<ulong> total = default;
        int i = 0;
        for (; i <= words - 4; i += 4)
        {
            Vector256<byte> x = (Avx.LoadVector256(a + i) ^ Avx.LoadVector256(b + i)).AsByte();
            Vector256<byte> counts = Avx2.Shuffle(table, x & low) + Avx2.Shuffle(table, Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & low);
            total += Avx2.SumAbsoluteDifferences(counts, Vector256<byte>.Zero).AsUInt64();
        }
        int sum = (int)Vector256.Sum(total);
        for (; i < words; i++) sum += BitOperations.PopCount(a[i] ^ b[i]);
        return sum;
    }

    /// <summary>Dot products of 4 queries with 4 rows (16 accumulators): out[q * 4 + r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4x4F32(float* q, long qStride, float* x, long xStride, int n, float* result)
    {
        float* q0 = q, q1 = q + qStride, q2 = q + 2 * qStride, q3 = q + 3 * qStride;
        float* x0 = x, x1 = x + xStride, x2 = x + 2 * xStride, x3 = x + 3 * xStride;
        Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector256<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector256<float> a30 = default, a31 = default, a32 = default, a33 = default;
        int i = 0;
        for (; i <= n - 8; i += 8)
        {
            Vector256<float> r0 = Avx.LoadVector256(x0 + i), r1 = Avx.LoadVector256(x1 + i);
            Vector256<float> r2 = Avx.LoadVector256(x2 + i), r3 = Avx.LoadVector256(x3 + i);
            Vector256<float> v = Avx.LoadVector256(q0 + i);
            a00 = Fma.MultiplyAdd(v, r0, a00); a01 = Fma.MultiplyAdd(v, r1, a01); a02 = Fma.MultiplyAdd(v, r2, a02); a03 = Fma.MultiplyAdd(v, r3, a03);
            v = Avx.LoadVector256(q1 + i);
            a10 = Fma.MultiplyAdd(v, r0, a10); a11 = Fma.MultiplyAdd(v, r1, a11); a12 = Fma.MultiplyAdd(v, r2, a12); a13 = Fma.MultiplyAdd(v, r3, a13);
            v = Avx.LoadVector256(q2 + i);
            a20 = Fma.MultiplyAdd(v, r0, a20); a21 = Fma.MultiplyAdd(v, r1, a21); a22 = Fma.MultiplyAdd(v, r2, a22); a23 = Fma.MultiplyAdd(v, r3, a23);
            v = Avx.LoadVector256(q3 + i);
            a30 = Fma.MultiplyAdd(v, r0, a30); a31 = Fma.MultiplyAdd(v, r1, a31); a32 = Fma.MultiplyAdd(v, r2, a32); a33 = Fma.MultiplyAdd(v, r3, a33);
        }
        result[0] = Vector256.Sum(a00); result[1] = Vector256.Sum(a01); result[2] = Vector256.Sum(a02); result[3] = Vector256.Sum(a03);
        result[4] = Vector256.Sum(a10); result[5] = Vector256.Sum(a11); result[6] = Vector256.Sum(a12); result[7] = Vector256.Sum(a13);
        result[8] = Vector256.Sum(a20); result[9] = Vector256.Sum(a21); result[10] = Vector256.Sum(a22); result[11] = Vector256.Sum(a23);
        result[12] = Vector256.Sum(a30); result[13] = Vector256.Sum(a31); result[14] = Vector256.Sum(a32); result[15] = Vector256.Sum(a33);
        for (; i < n; i++)
        {
            for (int qi = 0; qi < 4; qi++)
            {
                float qv = q[qi * qStride + i];
                for (int r = 0; r < 4; r++) result[qi * 4 + r] += qv * x[r * xStride + i];
            }
        }
    }
}
