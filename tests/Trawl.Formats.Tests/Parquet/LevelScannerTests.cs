using Trawl.Formats.Parquet;
using Trawl.Formats.Parquet.Encodings;

namespace Trawl.Formats.Tests.Parquet;

public sealed class LevelScannerTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(37, 3)]
    [InlineData(1000, 1)]
    [InlineData(1003, 7)]
    public void Vector_and_scalar_level_counts_agree(int length, int max)
    {
        var rnd = new Random(length * 31 + max);
        int[] levels = Enumerable.Range(0, length).Select(_ => rnd.Next(max + 1)).ToArray();
        int expected = levels.Count(l => l == max);
        Assert.Equal(expected, LevelScanner.CountAtMaxScalar(levels, max));
        if (length >= 8)
            Assert.Equal(expected, LevelScanner.CountAtMaxVector(levels, max));
        Assert.Equal(expected, LevelScanner.CountAtMax(levels, max));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(-1)]
    public void Level_above_the_maximum_is_refused_by_both_paths(int bad)
    {
        int[] levels = new int[100];
        levels[77] = bad;
        Assert.Throws<ParquetException>(() => LevelScanner.CountAtMaxScalar(levels, 2));
        Assert.Throws<ParquetException>(() => LevelScanner.CountAtMaxVector(levels, 2));
    }
}
