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
}
