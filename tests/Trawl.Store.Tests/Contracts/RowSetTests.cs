using Trawl.Store.Contracts;

namespace Trawl.Store.Tests.Contracts;

public sealed class RowSetTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(1000)]
    public void Bitmap_and_sorted_ids_answer_alike(int rowCount)
    {
        var rng = new Random(rowCount);
        var ids = Enumerable.Range(0, rowCount).Where(_ => rng.Next(3) == 0).Select(i => (long)i).ToArray();
        var bits = new ulong[(rowCount + 63) / 64];
        foreach (long id in ids)
            bits[id >> 6] |= 1UL << (int)(id & 63);
        var fromBits = RowSet.FromBitmap(bits, rowCount);
        var fromIds = RowSet.FromSortedIds(ids, rowCount);
        var shuffled = RowSet.FromIds(ids.Reverse().Concat(ids), rowCount);
        foreach (var set in new[] { fromBits, fromIds, shuffled })
        {
            Assert.Equal(ids, set.Positions());
            Assert.Equal(ids.Length, set.Count);
            Assert.Equal(rowCount, set.RowCount);
            for (long r = -1; r <= rowCount; r++)
                Assert.Equal(ids.Contains(r), set.Contains(r));
            var filter = set.ToSearchFilter();
            for (long r = 0; r < rowCount; r++)
                Assert.Equal(ids.Contains(r), filter.Allows(r));
        }
    }

    [Fact]
    public void Without_removes_one_position_and_leaves_the_set_as_it_was()
    {
        var all = RowSet.All(130);
        Assert.Equal(130, all.Count);
        var less = all.Without(64);
        Assert.False(less.Contains(64));
        Assert.True(all.Contains(64));
        Assert.Equal(129, less.Count);
        var ids = RowSet.FromSortedIds([1, 5, 9], 10).Without(5);
        Assert.Equal([1L, 9], ids.Positions());
        Assert.Same(ids, ids.Without(4));
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => RowSet.FromBitmap(new ulong[2], 64));
        Assert.Throws<ArgumentException>(() => RowSet.FromBitmap([1UL << 10], 10));
        Assert.Throws<ArgumentException>(() => RowSet.FromSortedIds([3, 3], 10));
        Assert.Throws<ArgumentException>(() => RowSet.FromSortedIds([4, 2], 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => RowSet.FromSortedIds([10], 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => RowSet.FromSortedIds([-1], 10));
    }
}
