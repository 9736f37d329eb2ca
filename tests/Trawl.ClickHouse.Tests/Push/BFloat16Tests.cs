using Trawl.ClickHouse.Push;

namespace Trawl.ClickHouse.Tests.Push;

/// <summary>Float32 to BFloat16 rounding: the Vector256 path against the scalar one, and the scalar one against known values.</summary>
public sealed class BFloat16Tests
{
    [Theory]
    [InlineData(0x3F800000u, (ushort)0x3F80)] // 1.0
    [InlineData(0x3F808000u, (ushort)0x3F80)] // halfway, even below: stays
    [InlineData(0x3F818000u, (ushort)0x3F82)] // halfway, odd below: rounds up to even
    [InlineData(0x3F808001u, (ushort)0x3F81)] // just above halfway
    [InlineData(0x3F807FFFu, (ushort)0x3F80)] // just below halfway
    [InlineData(0xBF818000u, (ushort)0xBF82)] // negative, same rule
    [InlineData(0x7F800000u, (ushort)0x7F80)] // +infinity
    [InlineData(0xFF800000u, (ushort)0xFF80)] // -infinity
    [InlineData(0x7F7FFFFFu, (ushort)0x7F80)] // the largest float rounds to infinity, as IEEE rounding does
    [InlineData(0x7FC00001u, (ushort)0x7FC0)] // NaN stays NaN
    [InlineData(0x7F800001u, (ushort)0x7FC0)] // a signalling NaN whose payload is in the low half stays NaN, not infinity
    [InlineData(0xFF800001u, (ushort)0xFFC0)]
    [InlineData(0x00000001u, (ushort)0x0000)] // the smallest subnormal rounds to zero
    [InlineData(0x80000000u, (ushort)0x8000)] // -0
    public void Scalar_rounding_is_to_nearest_even(uint bits, ushort expected) =>
        Assert.Equal(expected, BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(bits)));

    [Fact]
    public void Vector_and_scalar_paths_agree_on_every_kind_of_float()
    {
        var rng = new Random(5);
        foreach (int length in new[] { 0, 1, 15, 16, 17, 33, 768, 1000 })
        {
            var source = new float[length];
            for (int i = 0; i < length; i++)
            {
                source[i] = (i % 9) switch
                {
                    0 => BitConverter.UInt32BitsToSingle((uint)rng.NextInt64(0, 1L << 32)), // any bits: NaNs, infinities, subnormals
                    1 => BitConverter.UInt32BitsToSingle(((uint)rng.Next() & 0xFFFF0000u) | 0x8000u), // exact ties
                    2 => float.NaN,
                    3 => float.NegativeInfinity,
                    _ => (float)(rng.NextDouble() * 2 - 1),
                };
            }
            var scalar = new ushort[length];
            var both = new ushort[length];
            BFloat16.FromSinglesScalar(source, scalar);
            int done = BFloat16.FromSinglesVector256(source, both);
            Assert.Equal(length - length % 16, done);
            BFloat16.FromSinglesScalar(source.AsSpan(done), both.AsSpan(done));
            Assert.Equal(scalar, both);
            var dispatched = new ushort[length];
            BFloat16.FromSingles(source, dispatched);
            Assert.Equal(scalar, dispatched);
        }
    }

    [Fact]
    public void Finite_values_are_within_half_a_unit_of_the_8_bit_significand()
    {
        var rng = new Random(6);
        for (int i = 0; i < 100_000; i++)
        {
            float x = (float)((rng.NextDouble() * 2 - 1) * Math.Pow(2, rng.Next(-60, 60)));
            float back = BFloat16.ToSingle(BFloat16.FromSingle(x));
            Assert.True(Math.Abs(back - x) <= Math.Abs(x) * Math.Pow(2, -8), $"{x} became {back}");
        }
    }
}
