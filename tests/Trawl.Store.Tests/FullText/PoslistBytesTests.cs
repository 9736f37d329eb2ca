using Trawl.Store.FullText;

namespace Trawl.Store.Tests.FullText;

/// <summary>The vector paths of <see cref="PoslistBytes.CountEnds"/> against the scalar one: runs of every length
/// around the vector widths, mostly one-byte varints, some longer ones, and with a 0x01 byte anywhere (refused).</summary>
public sealed class PoslistBytesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(0.01)]
    [InlineData(0.3)]
    public void Vector_paths_count_as_the_scalar_one(double oneChance)
    {
        var rng = new Random(7 + (int)(oneChance * 100));
        for (int length = 0; length < 300; length++)
        {
            for (int trial = 0; trial < 20; trial++)
            {
                var run = new byte[length];
                for (int i = 0; i < length; i++)
                    run[i] = rng.NextDouble() < oneChance ? (byte)1 : (byte)(rng.Next(4) == 0 ? 0x80 + rng.Next(128) : 2 + rng.Next(126));
                int expected = PoslistBytes.CountEndsScalar(run);
                Assert.Equal(run.Contains((byte)1) ? -1 : run.Count(b => b < 0x80), expected);
                Assert.Equal(expected, PoslistBytes.CountEnds256(run));
                Assert.Equal(expected, PoslistBytes.CountEnds512(run));
                Assert.Equal(expected, PoslistBytes.CountEnds(run));
            }
        }
    }
}
