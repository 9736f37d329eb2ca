using Trawl.Formats.Tables;

namespace Trawl.Formats.Tests.Parquet;

/// <summary>The bulk appends the Parquet reader uses for null-free runs, against one-by-one appends.</summary>
public sealed class ColumnValuesBulkAppendTests
{
    [Fact]
    public void Bulk_appends_grow_the_lanes_and_match_single_appends()
    {
        var bulk = new ColumnValues(4);
        var single = new ColumnValues(4);
        long[] ints = [.. Enumerable.Range(0, 37).Select(i => (long)i * i - 5)];
        double[] doubles = [.. Enumerable.Range(0, 29).Select(i => i / 3.0)];
        bulk.AppendText("a"u8);
        single.AppendText("a"u8);
        bulk.AppendInt64s(ints);
        foreach (long v in ints) single.AppendInt64(v);
        bulk.AppendNull();
        single.AppendNull();
        bulk.AppendDoubles(doubles);
        foreach (double v in doubles) single.AppendDouble(v);
        bulk.AppendInt64s([]);
        Assert.Equal(single.Count, bulk.Count);
        for (int r = 0; r < single.Count; r++)
        {
            Assert.Equal(single.KindAt(r), bulk.KindAt(r));
            Assert.Equal(single.ValueAt(r), bulk.ValueAt(r));
            Assert.Equal(single.BytesAt(r).ToArray(), bulk.BytesAt(r).ToArray());
        }
    }

    [Fact]
    public void Bulk_byte_runs_copy_each_value_from_its_place_in_the_heap()
    {
        byte[] heap = "....hello....world!....x"u8.ToArray();
        var bulk = new ColumnValues(1);
        bulk.AppendInt64(7);
        bulk.AppendBytesRun(ValueKind.Text, heap, [4, 13, 23, 0], [5, 6, 1, 0]);
        bulk.AppendBytesRun(ValueKind.Binary, heap, [13], [5]);
        Assert.Equal(6, bulk.Count);
        Assert.Equal(7L, bulk.ValueAt(0));
        Assert.Equal(["hello", "world!", "x", ""], Enumerable.Range(1, 4).Select(r => (string)bulk.ValueAt(r)!));
        Assert.Equal(ValueKind.Binary, bulk.KindAt(5));
        Assert.Equal("world"u8.ToArray(), bulk.BytesAt(5).ToArray());
        Assert.ThrowsAny<ArgumentException>(() => bulk.AppendBytesRun(ValueKind.Text, heap, [4, 20], [1, 9]));
        Assert.ThrowsAny<ArgumentException>(() => bulk.AppendBytesRun(ValueKind.Text, heap, [-1], [1]));
        Assert.Equal(6, bulk.Count);
    }

    [Fact]
    public void Set_null_turns_an_appended_row_into_a_null_and_refuses_rows_not_appended()
    {
        byte[] heap = "abcdef"u8.ToArray();
        var bulk = new ColumnValues(2);
        bulk.AppendBytesRun(ValueKind.Text, heap, [0, 0, 3], [2, 0, 3]);
        bulk.AppendInt64s([5, 0, 7]);
        bulk.SetNull(1);
        bulk.SetNull(4);
        Assert.Equal(["ab", null, "def", 5L, null, 7L], Enumerable.Range(0, 6).Select(bulk.ValueAt));
        Assert.True(bulk.IsNull(4));
        Assert.Equal(0, bulk.BytesAt(1).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => bulk.SetNull(6));
        Assert.Throws<ArgumentOutOfRangeException>(() => bulk.SetNull(-1));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(4, 3)]
    [InlineData(200, 5)]
    public void Bulk_byte_runs_near_together_or_far_apart_match_single_appends(int gap, int seed)
    {
        // Values gap bytes apart in the heap (close: copied as one stretch; far: one by one), some empty, in shuffled order.
        var rnd = new Random(seed);
        int n = 300;
        var starts = new int[n];
        var lengths = new int[n];
        var heap = new byte[n * (gap + 20) + 10];
        rnd.NextBytes(heap);
        int at = 3;
        for (int k = 0; k < n; k++)
        {
            lengths[k] = rnd.Next(6) == 0 ? 0 : rnd.Next(1, 20);
            starts[k] = lengths[k] == 0 && k % 2 == 0 ? rnd.Next(heap.Length) : at;
            at += lengths[k] + gap;
        }
        int[] order = [.. Enumerable.Range(0, n).OrderBy(_ => rnd.Next())];
        starts = [.. order.Select(k => starts[k])];
        lengths = [.. order.Select(k => lengths[k])];
        var bulk = new ColumnValues(8);
        var single = new ColumnValues(8);
        bulk.AppendText("x"u8);
        single.AppendText("x"u8);
        bulk.AppendBytesRun(ValueKind.Binary, heap, starts, lengths);
        for (int k = 0; k < n; k++)
            single.AppendBinary(heap.AsSpan(starts[k], lengths[k]));
        bulk.AppendBytesRun(ValueKind.Text, heap, [], []);
        Assert.Equal(single.Count, bulk.Count);
        for (int r = 0; r < single.Count; r++)
        {
            Assert.Equal(single.KindAt(r), bulk.KindAt(r));
            Assert.Equal(single.BytesAt(r).ToArray(), bulk.BytesAt(r).ToArray());
        }
    }
}
