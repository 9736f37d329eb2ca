using Trawl.Vectors.Kernels;

namespace Trawl.Vectors.Tests.Kernels;

public sealed unsafe class KernelTests
{
    public static readonly TheoryData<int> Dimensions = new() { 1, 7, 100, 511, 768, 1025 };

    private static void AssertClose(float expected, float actual, float magnitude, string what)
    {
        float tolerance = 1e-5f * Math.Max(1f, magnitude);
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected}, got {actual} (tolerance {tolerance})");
    }

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void Float32_kernels_match_the_scalar_reference_at_every_level(int n)
    {
        var random = new Random(n);
        float[] a = TestData.Floats(random, n), b = TestData.Floats(random, n);
        fixed (float* pa = a, pb = b)
        {
            KernelSet scalar = KernelSet.For(SimdLevel.Scalar);
            foreach (SimdLevel level in TestData.Levels())
            {
                KernelSet set = KernelSet.For(level);
                Assert.Equal(level, set.Level);
                AssertClose(scalar.DotF32(pa, pb, n), set.DotF32(pa, pb, n), n, $"dot {level}");
                AssertClose(scalar.L2F32(pa, pb, n), set.L2F32(pa, pb, n), n, $"l2 {level}");
                AssertClose(scalar.CosineF32(pa, pb, n), set.CosineF32(pa, pb, n), 1, $"cosine {level}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void Float16_kernels_match_the_scalar_reference_at_every_level(int n)
    {
        var random = new Random(100 + n);
        float[] q = TestData.Floats(random, n);
        ushort[] x = TestData.ToHalves(TestData.Floats(random, n)).Select(BitConverter.HalfToUInt16Bits).ToArray();
        var widened = new float[n];
        fixed (float* pq = q, pw = widened)
        fixed (ushort* px = x)
        {
            KernelSet scalar = KernelSet.For(SimdLevel.Scalar);
            foreach (SimdLevel level in TestData.Levels())
            {
                KernelSet set = KernelSet.For(level);
                AssertClose(scalar.DotF16(pq, px, n), set.DotF16(pq, px, n), n, $"dot {level}");
                AssertClose(scalar.L2F16(pq, px, n), set.L2F16(pq, px, n), n, $"l2 {level}");
                float[] scaled = q.Select(v => v * HalfBits.QueryScale).ToArray();
                fixed (float* ps = scaled) AssertClose(scalar.DotF16(pq, px, n), set.DotF16Prescaled(ps, px, n), n, $"prescaled dot {level}");
                set.WidenF16(px, pw, n);
                for (int i = 0; i < n; i++) Assert.Equal((float)BitConverter.UInt16BitsToHalf(x[i]), widened[i]);
            }
        }
    }

    [Fact]
    public void Half_widening_is_exact_for_every_bit_pattern_including_subnormals_infinities_and_nan()
    {
        var all = new ushort[65536];
        for (int i = 0; i < all.Length; i++) all[i] = (ushort)i;
        var widened = new float[all.Length];
        fixed (ushort* source = all)
        fixed (float* destination = widened)
        {
            foreach (SimdLevel level in TestData.Levels())
            {
                KernelSet.For(level).WidenF16(source, destination, all.Length);
                for (int i = 0; i < all.Length; i++)
                {
                    float expected = (float)BitConverter.UInt16BitsToHalf((ushort)i);
                    if (float.IsNaN(expected)) Assert.True(float.IsNaN(widened[i]), $"{level}: 0x{i:X4} should widen to NaN, got {widened[i]}");
                    else Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(widened[i]), $"{level}: 0x{i:X4} widened to {widened[i]}, expected {expected}");
                }
            }
        }
    }

    [Theory]
    [InlineData(0x7C00, 1)] // +infinity
    [InlineData(0xFC00, 1)] // -infinity
    [InlineData(0x7E00, 1)] // NaN
    [InlineData(0x0001, 100)] // smallest subnormal
    [InlineData(0x03FF, 100)] // largest subnormal
    [InlineData(0x7BFF, 1)] // largest finite
    public void Prescaled_f16_dot_handles_infinities_nans_and_subnormals_like_the_scalar_kernel(int bits, int count)
    {
        foreach (int n in new[] { 7, 100, 768 })
        {
            var random = new Random(n);
            float[] q = TestData.Floats(random, n);
            ushort[] x = TestData.ToHalves(TestData.Floats(random, n)).Select(BitConverter.HalfToUInt16Bits).ToArray();
            for (int c = 0; c < Math.Min(count, n); c++) x[random.Next(n)] = (ushort)bits;
            float[] scaled = q.Select(v => v * HalfBits.QueryScale).ToArray();
            fixed (float* pq = q, ps = scaled)
            fixed (ushort* px = x)
            {
                float expected = KernelSet.For(SimdLevel.Scalar).DotF16(pq, px, n);
                foreach (SimdLevel level in TestData.Levels())
                {
                    float actual = KernelSet.For(level).DotF16Prescaled(ps, px, n);
                    if (float.IsNaN(expected) || float.IsInfinity(expected)) Assert.Equal(expected, actual);
                    else AssertClose(expected, actual, Math.Max(n, 10 * Math.Abs(expected)), $"{level} n={n}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void Int8_kernels_equal_the_scalar_reference_at_every_level(int n)
    {
        var random = new Random(200 + n);
        sbyte[] a = TestData.Int8s(random, n), b = TestData.Int8s(random, n);
        // The extremes widen and multiply without overflow.
        a[0] = -128;
        b[0] = -128;
        fixed (sbyte* pa = a, pb = b)
        {
            int dot = 0, l2 = 0;
            for (int i = 0; i < n; i++)
            {
                dot += a[i] * b[i];
                l2 += (a[i] - b[i]) * (a[i] - b[i]);
            }
            foreach (SimdLevel level in TestData.Levels())
            {
                KernelSet set = KernelSet.For(level);
                Assert.Equal(dot, set.DotI8(pa, pb, n));
                Assert.Equal(l2, set.L2I8(pa, pb, n));
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    public void Hamming_kernels_equal_the_scalar_reference_at_every_level(int words)
    {
        var random = new Random(300 + words);
        ulong[] a = TestData.Words(random, words), b = TestData.Words(random, words);
        a[0] = ulong.MaxValue;
        b[0] = 0;
        fixed (ulong* pa = a, pb = b)
        {
            int expected = 0;
            for (int i = 0; i < words; i++) expected += System.Numerics.BitOperations.PopCount(a[i] ^ b[i]);
            foreach (SimdLevel level in TestData.Levels())
            {
                Assert.Equal(expected, KernelSet.For(level).Hamming(pa, pb, words));
                Assert.Equal(0, KernelSet.For(level).Hamming(pa, pa, words));
            }
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 5)]
    [InlineData(8, 7)]
    [InlineData(16, 37)]
    [InlineData(16, 600)]
    [InlineData(16, 4)]
    [InlineData(17, 9)]
    [InlineData(24, 6)]
    [InlineData(33, 13)]
    public void Hamming_row_kernels_equal_one_scalar_distance_per_row_at_every_level(int words, int count)
    {
        var random = new Random(500 + words * 64 + count);
        // Rows one word further apart than their length, so a kernel that ignores the stride fails.
        int strideWords = words + 1;
        ulong[] rows = TestData.Words(random, Math.Max(1, count * strideWords));
        ulong[] queries = TestData.Words(random, 4 * words);
        queries[0] = ulong.MaxValue;
        if (count > 0) rows[0] = 0;
        var expected = new int[4, count];
        for (int j = 0; j < 4; j++)
            for (int r = 0; r < count; r++)
                for (int w = 0; w < words; w++)
                    expected[j, r] += System.Numerics.BitOperations.PopCount(queries[j * words + w] ^ rows[r * strideWords + w]);
        var one = new int[Math.Max(1, count)];
        var four = new int[4 * count + 4];
        fixed (ulong* pr = rows, pq = queries)
        fixed (int* p1 = one, p4 = four)
        {
            foreach (SimdLevel level in TestData.Levels())
            {
                KernelSet set = KernelSet.For(level);
                for (int j = 0; j < 4; j++)
                {
                    Array.Fill(one, -1);
                    set.HammingRows(pq + j * words, (byte*)pr, strideWords * 8L, count, words, p1);
                    for (int r = 0; r < count; r++) Assert.True(expected[j, r] == one[r], $"{level}: query {j}, row {r}: {one[r]}, expected {expected[j, r]}");
                }
                Array.Fill(four, -1);
                set.HammingRows4(pq, (byte*)pr, strideWords * 8L, count, words, p4);
                for (int j = 0; j < 4; j++)
                    for (int r = 0; r < count; r++) Assert.True(expected[j, r] == four[r * 4 + j], $"{level}: 4 queries, query {j}, row {r}: {four[r * 4 + j]}, expected {expected[j, r]}");
                for (int j = 0; j < 4; j++) Assert.Equal(-1, four[count * 4 + j]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void Four_by_four_block_kernel_matches_single_dot_products(int n)
    {
        var random = new Random(400 + n);
        float[] q = TestData.Floats(random, 4 * n), x = TestData.Floats(random, 4 * n);
        var result = new float[16];
        fixed (float* pq = q, px = x, pr = result)
        {
            KernelSet scalar = KernelSet.For(SimdLevel.Scalar);
            foreach (SimdLevel level in TestData.Levels())
            {
                KernelSet.For(level).Dot4x4F32(pq, n, px, n, n, pr);
                for (int qi = 0; qi < 4; qi++)
                    for (int r = 0; r < 4; r++)
                        AssertClose(scalar.DotF32(pq + qi * n, px + r * n, n), result[qi * 4 + r], n, $"{level} q{qi} r{r}");
            }
        }
    }

    [Fact]
    public void Capping_the_level_selects_the_scalar_kernels()
    {
        SimdLevel? before = SimdLevels.Cap;
        try
        {
            SimdLevels.Cap = SimdLevel.Scalar;
            Assert.Equal(SimdLevel.Scalar, KernelSet.Current.Level);
        }
        finally
        {
            SimdLevels.Cap = before;
        }
    }
}
