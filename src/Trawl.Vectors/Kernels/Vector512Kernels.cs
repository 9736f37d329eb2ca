using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Trawl.Vectors.Kernels;

/// <summary>AVX-512 kernels: 16 floats per register, four accumulators; tails run scalar.</summary>
internal static unsafe class Vector512Kernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DotF32(float* a, float* b, int n)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int i = 0;
        for (; i <= n - 64; i += 64)
        {
            s0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(a + i), Avx512F.LoadVector512(b + i), s0);
            s1 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(a + i + 16), Avx512F.LoadVector512(b + i + 16), s1);
            s2 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(a + i + 32), Avx512F.LoadVector512(b + i + 32), s2);
            s3 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(a + i + 48), Avx512F.LoadVector512(b + i + 48), s3);
        }
        for (; i <= n - 16; i += 16)
            s0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(a + i), Avx512F.LoadVector512(b + i), s0);
        float sum = Vector512.Sum((s0 + s1) + (s2 + s3));
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float L2F32(float* a, float* b, int n)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int i = 0;
        for (; i <= n - 64; i += 64)
        {
            Vector512<float> d0 = Avx512F.LoadVector512(a + i) - Avx512F.LoadVector512(b + i);
            Vector512<float> d1 = Avx512F.LoadVector512(a + i + 16) - Avx512F.LoadVector512(b + i + 16);
            Vector512<float> d2 = Avx512F.LoadVector512(a + i + 32) - Avx512F.LoadVector512(b + i + 32);
            Vector512<float> d3 = Avx512F.LoadVector512(a + i + 48) - Avx512F.LoadVector512(b + i + 48);
            s0 = Avx512F.FusedMultiplyAdd(d0, d0, s0);
            s1 = Avx512F.FusedMultiplyAdd(d1, d1, s1);
            s2 = Avx512F.FusedMultiplyAdd(d2, d2, s2);
            s3 = Avx512F.FusedMultiplyAdd(d3, d3, s3);
        }
        for (; i <= n - 16; i += 16)
        {
            Vector512<float> d = Avx512F.LoadVector512(a + i) - Avx512F.LoadVector512(b + i);
            s0 = Avx512F.FusedMultiplyAdd(d, d, s0);
        }
        float sum = Vector512.Sum((s0 + s1) + (s2 + s3));
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
        Vector512<float> dot = default, na = default, nb = default;
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            Vector512<float> va = Avx512F.LoadVector512(a + i), vb = Avx512F.LoadVector512(b + i);
            dot = Avx512F.FusedMultiplyAdd(va, vb, dot);
            na = Avx512F.FusedMultiplyAdd(va, va, na);
            nb = Avx512F.FusedMultiplyAdd(vb, vb, nb);
        }
        float d = Vector512.Sum(dot), sa = Vector512.Sum(na), sb = Vector512.Sum(nb);
        for (; i < n; i++)
        {
            d += a[i] * b[i];
            sa += a[i] * a[i];
            sb += b[i] * b[i];
        }
        return ScalarKernels.Cosine(d, sa, sb);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> LoadHalves(ushort* p) => HalfBits.Widen(Avx512F.ConvertToVector512Int32(Avx.LoadVector256((short*)p)));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DotF16(float* q, ushort* x, int n)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int i = 0;
        for (; i <= n - 64; i += 64)
        {
            s0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(q + i), LoadHalves(x + i), s0);
            s1 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(q + i + 16), LoadHalves(x + i + 16), s1);
            s2 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(q + i + 32), LoadHalves(x + i + 32), s2);
            s3 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(q + i + 48), LoadHalves(x + i + 48), s3);
        }
        for (; i <= n - 16; i += 16)
            s0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(q + i), LoadHalves(x + i), s0);
        float sum = Vector512.Sum((s0 + s1) + (s2 + s3));
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
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        Vector512<int> e0, e1, e2, e3, exponents = default;
        int i = 0;
        for (; i <= n - 64; i += 64)
        {
            s0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(q + i), HalfBits.Unscaled(Avx512F.ConvertToVector512Int32(Avx.LoadVector256((short*)(x + i))), out e0), s0);
            s1 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(q + i + 16), HalfBits.Unscaled(Avx512F.ConvertToVector512Int32(Avx.LoadVector256((short*)(x + i + 16))), out e1), s1);
            s2 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(q + i + 32), HalfBits.Unscaled(Avx512F.ConvertToVector512Int32(Avx.LoadVector256((short*)(x + i + 32))), out e2), s2);
            s3 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(q + i + 48), HalfBits.Unscaled(Avx512F.ConvertToVector512Int32(Avx.LoadVector256((short*)(x + i + 48))), out e3), s3);
            exponents = Vector512.Max(exponents, Vector512.Max(Vector512.Max(e0, e1), Vector512.Max(e2, e3)));
        }
        for (; i <= n - 16; i += 16)
        {
            s0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(q + i), HalfBits.Unscaled(Avx512F.ConvertToVector512Int32(Avx.LoadVector256((short*)(x + i))), out e0), s0);
            exponents = Vector512.Max(exponents, e0);
        }
        if (Vector512.EqualsAny(exponents, Vector512.Create(HalfBits.ExponentMaxShifted))) return ScalarKernels.DotF16Prescaled(q, x, n);
        float sum = Vector512.Sum((s0 + s1) + (s2 + s3));
        for (; i < n; i++) sum += q[i] * HalfBits.InverseQueryScale * HalfBits.Widen(x[i]);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float L2F16(float* q, ushort* x, int n)
    {
        Vector512<float> s0 = default, s1 = default;
        int i = 0;
        for (; i <= n - 32; i += 32)
        {
            Vector512<float> d0 = Avx512F.LoadVector512(q + i) - LoadHalves(x + i);
            Vector512<float> d1 = Avx512F.LoadVector512(q + i + 16) - LoadHalves(x + i + 16);
            s0 = Avx512F.FusedMultiplyAdd(d0, d0, s0);
            s1 = Avx512F.FusedMultiplyAdd(d1, d1, s1);
        }
        for (; i <= n - 16; i += 16)
        {
            Vector512<float> d = Avx512F.LoadVector512(q + i) - LoadHalves(x + i);
            s0 = Avx512F.FusedMultiplyAdd(d, d, s0);
        }
        float sum = Vector512.Sum(s0 + s1);
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
        for (; i <= n - 16; i += 16) Avx512F.Store(dst + i, LoadHalves(src + i));
        for (; i < n; i++) dst[i] = HalfBits.Widen(src[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int DotI8(sbyte* a, sbyte* b, int n)
    {
        Vector512<int> s0 = default, s1 = default;
        int i = 0;
        for (; i <= n - 64; i += 64)
        {
            s0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Avx.LoadVector256(a + i)), Avx512BW.ConvertToVector512Int16(Avx.LoadVector256(b + i)));
            s1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Avx.LoadVector256(a + i + 32)), Avx512BW.ConvertToVector512Int16(Avx.LoadVector256(b + i + 32)));
        }
        for (; i <= n - 32; i += 32)
            s0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Avx.LoadVector256(a + i)), Avx512BW.ConvertToVector512Int16(Avx.LoadVector256(b + i)));
        int sum = Vector512.Sum(s0 + s1);
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int L2I8(sbyte* a, sbyte* b, int n)
    {
        Vector512<int> s0 = default;
        int i = 0;
        for (; i <= n - 32; i += 32)
        {
            Vector512<short> d = Avx512BW.ConvertToVector512Int16(Avx.LoadVector256(a + i)) - Avx512BW.ConvertToVector512Int16(Avx.LoadVector256(b + i));
            s0 += Avx512BW.MultiplyAddAdjacent(d, d);
        }
        int sum = Vector512.Sum(s0);
        for (; i < n; i++)
        {
            int d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    /// <summary>Population count by nibble lookup (VPSHUFB), summed per 64-bit lane with VPSADBW.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Hamming(ulong* a, ulong* b, int words)
    {
        Vector512<byte> table = Vector512.Create(Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
        Vector512<byte> low = Vector512.Create((byte)0x0F);
        Vector512<ulong> total = default;
        int i = 0;
        for (; i <= words - 8; i += 8)
        {
            Vector512<byte> x = (Avx512F.LoadVector512(a + i) ^ Avx512F.LoadVector512(b + i)).AsByte();
            Vector512<byte> counts = Avx512BW.Shuffle(table, x & low) + Avx512BW.Shuffle(table, Avx512BW.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & low);
            total += Avx512BW.SumAbsoluteDifferences(counts, Vector512<byte>.Zero).AsUInt64();
        }
        int sum = (int)Vector512.Sum(total);
        for (; i < words; i++) sum += BitOperations.PopCount(a[i] ^ b[i]);
        return sum;
    }

    /// <summary>
    /// Hamming distances of one query to <paramref name="count"/> rows <paramref name="rowBytes"/> apart:
    /// the query stays in registers (1024-bit codes) and four rows' lane sums are folded together, so a
    /// row costs no horizontal sum of its own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HammingRows(ulong* query, byte* rows, long rowBytes, int count, int words, int* distances)
    {
        if (words < 8)
        {
            for (int r = 0; r < count; r++) distances[r] = ScalarKernels.Hamming(query, (ulong*)(rows + r * rowBytes), words);
            return;
        }
        Vector512<byte> table = Vector512.Create(Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
        Vector512<byte> low = Vector512.Create((byte)0x0F);
        int r4 = 0;
        if (words == 16)
        {
            Vector512<ulong> q0 = Avx512F.LoadVector512(query), q1 = Avx512F.LoadVector512(query + 8);
            for (; r4 <= count - 4; r4 += 4)
            {
                byte* x = rows + r4 * rowBytes;
                Vector512<ulong> s0 = Lanes1024((ulong*)x, q0, q1, table, low);
                Vector512<ulong> s1 = Lanes1024((ulong*)(x + rowBytes), q0, q1, table, low);
                Vector512<ulong> s2 = Lanes1024((ulong*)(x + 2 * rowBytes), q0, q1, table, low);
                Vector512<ulong> s3 = Lanes1024((ulong*)(x + 3 * rowBytes), q0, q1, table, low);
                Sse2.Store(distances + r4, Fold4(s0, s1, s2, s3));
            }
        }
        else
        {
            for (; r4 <= count - 4; r4 += 4)
            {
                byte* x = rows + r4 * rowBytes;
                Vector512<ulong> s0 = Lanes(query, (ulong*)x, words, table, low);
                Vector512<ulong> s1 = Lanes(query, (ulong*)(x + rowBytes), words, table, low);
                Vector512<ulong> s2 = Lanes(query, (ulong*)(x + 2 * rowBytes), words, table, low);
                Vector512<ulong> s3 = Lanes(query, (ulong*)(x + 3 * rowBytes), words, table, low);
                Vector128<int> d = Fold4(s0, s1, s2, s3);
                if ((words & 7) != 0) d += Vector128.Create(Tail(query, (ulong*)x, words), Tail(query, (ulong*)(x + rowBytes), words), Tail(query, (ulong*)(x + 2 * rowBytes), words), Tail(query, (ulong*)(x + 3 * rowBytes), words));
                Sse2.Store(distances + r4, d);
            }
        }
        for (int r = r4; r < count; r++) distances[r] = Hamming(query, (ulong*)(rows + r * rowBytes), words);
    }

    /// <summary>
    /// Hamming distances of four queries (<paramref name="words"/> apart) to <paramref name="count"/> rows: each row is
    /// loaded once for the four. Query j's distance to row r goes to <c>distances[r * 4 + j]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HammingRows4(ulong* queries, byte* rows, long rowBytes, int count, int words, int* distances)
    {
        if (words != 16)
        {
            ScalarKernels.Interleave4(queries, rows, rowBytes, count, words, distances, &HammingRows);
            return;
        }
        Vector512<byte> table = Vector512.Create(Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
        Vector512<byte> low = Vector512.Create((byte)0x0F);
        // The nibbles of (row XOR query) are (row's nibbles) XOR (query's nibbles): the queries' are split once, a
        // row's once for the four queries.
        Vector512<byte> a0l = Low(queries, 0, low), a0h = High(queries, 0, low), a1l = Low(queries, 8, low), a1h = High(queries, 8, low);
        Vector512<byte> b0l = Low(queries, 16, low), b0h = High(queries, 16, low), b1l = Low(queries, 24, low), b1h = High(queries, 24, low);
        Vector512<byte> c0l = Low(queries, 32, low), c0h = High(queries, 32, low), c1l = Low(queries, 40, low), c1h = High(queries, 40, low);
        Vector512<byte> d0l = Low(queries, 48, low), d0h = High(queries, 48, low), d1l = Low(queries, 56, low), d1h = High(queries, 56, low);
        for (int r = 0; r < count; r++)
        {
            ulong* x = (ulong*)(rows + r * rowBytes);
            Vector512<byte> x0l = Low(x, 0, low), x0h = High(x, 0, low), x1l = Low(x, 8, low), x1h = High(x, 8, low);
            Sse2.Store(distances + r * 4, Fold4(
                Nibbles(x0l, x0h, x1l, x1h, a0l, a0h, a1l, a1h, table),
                Nibbles(x0l, x0h, x1l, x1h, b0l, b0h, b1l, b1h, table),
                Nibbles(x0l, x0h, x1l, x1h, c0l, c0h, c1l, c1h, table),
                Nibbles(x0l, x0h, x1l, x1h, d0l, d0h, d1l, d1h, table)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Low(ulong* p, int offset, Vector512<byte> low) => Avx512F.LoadVector512(p + offset).AsByte() & low;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> High(ulong* p, int offset, Vector512<byte> low) => Avx512BW.ShiftRightLogical(Avx512F.LoadVector512(p + offset).AsUInt16(), 4).AsByte() & low;

    /// <summary>Bit counts of a 1024-bit row XOR query from their split nibbles, as eight 64-bit lane sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Nibbles(Vector512<byte> x0l, Vector512<byte> x0h, Vector512<byte> x1l, Vector512<byte> x1h,
        Vector512<byte> q0l, Vector512<byte> q0h, Vector512<byte> q1l, Vector512<byte> q1h, Vector512<byte> table)
    {
        Vector512<byte> counts = Avx512BW.Shuffle(table, x0l ^ q0l) + Avx512BW.Shuffle(table, x0h ^ q0h)
            + Avx512BW.Shuffle(table, x1l ^ q1l) + Avx512BW.Shuffle(table, x1h ^ q1h);
        return Avx512BW.SumAbsoluteDifferences(counts, Vector512<byte>.Zero).AsUInt64();
    }

    /// <summary>Bit counts of (row XOR query) for a 1024-bit code, as eight 64-bit lane sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Lanes1024(ulong* row, Vector512<ulong> q0, Vector512<ulong> q1, Vector512<byte> table, Vector512<byte> low)
        => Lanes1024(Avx512F.LoadVector512(row), Avx512F.LoadVector512(row + 8), q0, q1, table, low);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Lanes1024(Vector512<ulong> x0, Vector512<ulong> x1, Vector512<ulong> q0, Vector512<ulong> q1, Vector512<byte> table, Vector512<byte> low)
    {
        Vector512<byte> a = (x0 ^ q0).AsByte(), b = (x1 ^ q1).AsByte();
        // Each byte holds at most 4 + 4 + 4 + 4 = 16: no overflow before the byte sums.
        Vector512<byte> counts = Avx512BW.Shuffle(table, a & low) + Avx512BW.Shuffle(table, Avx512BW.ShiftRightLogical(a.AsUInt16(), 4).AsByte() & low)
            + Avx512BW.Shuffle(table, b & low) + Avx512BW.Shuffle(table, Avx512BW.ShiftRightLogical(b.AsUInt16(), 4).AsByte() & low);
        return Avx512BW.SumAbsoluteDifferences(counts, Vector512<byte>.Zero).AsUInt64();
    }

    /// <summary>Bit counts of (row XOR query) over the whole 8-word chunks, as eight 64-bit lane sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Lanes(ulong* query, ulong* row, int words, Vector512<byte> table, Vector512<byte> low)
    {
        Vector512<ulong> total = default;
        for (int i = 0; i <= words - 8; i += 8)
        {
            Vector512<byte> x = (Avx512F.LoadVector512(query + i) ^ Avx512F.LoadVector512(row + i)).AsByte();
            Vector512<byte> counts = Avx512BW.Shuffle(table, x & low) + Avx512BW.Shuffle(table, Avx512BW.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & low);
            total += Avx512BW.SumAbsoluteDifferences(counts, Vector512<byte>.Zero).AsUInt64();
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Tail(ulong* query, ulong* row, int words)
    {
        int sum = 0;
        for (int i = words & ~7; i < words; i++) sum += BitOperations.PopCount(query[i] ^ row[i]);
        return sum;
    }

    /// <summary>The four lane sums' totals, in order: two interleaves and two folds instead of four horizontal sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Fold4(Vector512<ulong> s0, Vector512<ulong> s1, Vector512<ulong> s2, Vector512<ulong> s3)
    {
        Vector512<ulong> a = Avx512F.UnpackLow(s0, s1) + Avx512F.UnpackHigh(s0, s1);
        Vector512<ulong> b = Avx512F.UnpackLow(s2, s3) + Avx512F.UnpackHigh(s2, s3);
        Vector256<ulong> a2 = a.GetLower() + a.GetUpper(), b2 = b.GetLower() + b.GetUpper();
        Vector256<ulong> ab = Avx2.Permute2x128(a2, b2, 0x20) + Avx2.Permute2x128(a2, b2, 0x31);
        return Avx512F.VL.ConvertToVector128Int32(ab.AsInt64());
    }

    /// <summary>Dot products of 4 queries with 4 rows (16 accumulators): out[q * 4 + r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4x4F32(float* q, long qStride, float* x, long xStride, int n, float* result)
    {
        float* q0 = q, q1 = q + qStride, q2 = q + 2 * qStride, q3 = q + 3 * qStride;
        float* x0 = x, x1 = x + xStride, x2 = x + 2 * xStride, x3 = x + 3 * xStride;
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            Vector512<float> r0 = Avx512F.LoadVector512(x0 + i), r1 = Avx512F.LoadVector512(x1 + i);
            Vector512<float> r2 = Avx512F.LoadVector512(x2 + i), r3 = Avx512F.LoadVector512(x3 + i);
            Vector512<float> v = Avx512F.LoadVector512(q0 + i);
            a00 = Avx512F.FusedMultiplyAdd(v, r0, a00); a01 = Avx512F.FusedMultiplyAdd(v, r1, a01); a02 = Avx512F.FusedMultiplyAdd(v, r2, a02); a03 = Avx512F.FusedMultiplyAdd(v, r3, a03);
            v = Avx512F.LoadVector512(q1 + i);
            a10 = Avx512F.FusedMultiplyAdd(v, r0, a10); a11 = Avx512F.FusedMultiplyAdd(v, r1, a11); a12 = Avx512F.FusedMultiplyAdd(v, r2, a12); a13 = Avx512F.FusedMultiplyAdd(v, r3, a13);
            v = Avx512F.LoadVector512(q2 + i);
            a20 = Avx512F.FusedMultiplyAdd(v, r0, a20); a21 = Avx512F.FusedMultiplyAdd(v, r1, a21); a22 = Avx512F.FusedMultiplyAdd(v, r2, a22); a23 = Avx512F.FusedMultiplyAdd(v, r3, a23);
            v = Avx512F.LoadVector512(q3 + i);
            a30 = Avx512F.FusedMultiplyAdd(v, r0, a30); a31 = Avx512F.FusedMultiplyAdd(v, r1, a31); a32 = Avx512F.FusedMultiplyAdd(v, r2, a32); a33 = Avx512F.FusedMultiplyAdd(v, r3, a33);
        }
        // Transposed reduction: all 16 sums in one vector, in result order, with 18 shuffles and 15 adds.
        Vector512<float> sums = ReduceColumns(ReduceFour(a00, a01, a02, a03), ReduceFour(a10, a11, a12, a13), ReduceFour(a20, a21, a22, a23), ReduceFour(a30, a31, a32, a33));
        Avx512F.Store(result, sums);
        for (; i < n; i++)
        {
            for (int qi = 0; qi < 4; qi++)
            {
                float qv = q[qi * qStride + i];
                for (int r = 0; r < 4; r++) result[qi * 4 + r] += qv * x[r * xStride + i];
            }
        }
    }

    /// <summary>Per 128-bit block j: [Σa_j, Σb_j, Σc_j, Σd_j], each the sum of that block's 4 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ReduceFour(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        Vector512<float> ab = Avx512F.UnpackLow(a, b) + Avx512F.UnpackHigh(a, b);
        Vector512<float> cd = Avx512F.UnpackLow(c, d) + Avx512F.UnpackHigh(c, d);
        return Avx512F.Shuffle(ab, cd, 0b01_00_01_00) + Avx512F.Shuffle(ab, cd, 0b11_10_11_10);
    }

    /// <summary>Block i of the result = the sum of the four 128-bit blocks of input i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ReduceColumns(Vector512<float> u0, Vector512<float> u1, Vector512<float> u2, Vector512<float> u3)
    {
        Vector512<float> s01 = Avx512F.Shuffle4x128(u0, u1, 0b10_00_10_00) + Avx512F.Shuffle4x128(u0, u1, 0b11_01_11_01);
        Vector512<float> s23 = Avx512F.Shuffle4x128(u2, u3, 0b10_00_10_00) + Avx512F.Shuffle4x128(u2, u3, 0b11_01_11_01);
        return Avx512F.Shuffle4x128(s01, s23, 0b10_00_10_00) + Avx512F.Shuffle4x128(s01, s23, 0b11_01_11_01);
    }
}
