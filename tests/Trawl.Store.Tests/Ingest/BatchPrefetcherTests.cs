using Trawl.Formats.Tables;
using Trawl.Store.Ingest;

namespace Trawl.Store.Tests.Ingest;

public sealed class BatchPrefetcherTests
{
    /// <summary>Counts 0, 1, 2, ... in one Int64 column; throws a DataFormatException at row <c>failAt</c> if given.</summary>
    private sealed class CountingReader(long rows, long? failAt = null) : ITableReader
    {
        private long _next;
        public string Path => "counting";
        public TableSchema Schema { get; } = new([new ColumnSchema("n", ColumnType.Int64)]);
        public long? RowCount => rows;
        public long BytesRead => _next;
        public long BytesTotal => rows;
        public bool ReadBatch(ColumnBatch batch, int maxRows)
        {
            batch.Clear();
            batch.FirstRow = _next;
            while (batch.RowCount < maxRows && _next < rows)
            {
                if (_next == failAt)
                    throw new DataFormatException(Path, "broken row", row: _next);
                batch[0].AppendInt64(_next++);
                batch.RowCount++;
            }
            return batch.RowCount > 0;
        }
        public void Dispose() { }
    }

    private static List<long> Drain(ITableReader reader, int maxRows)
    {
        var batch = new ColumnBatch(1, maxRows);
        var seen = new List<long>();
        if (!reader.ReadBatch(batch, maxRows))
            return seen;
        using var prefetch = new BatchPrefetcher(reader, maxRows);
        for (ColumnBatch? b = batch; b is not null; b = prefetch.Next(b))
        {
            for (int r = 0; r < b.RowCount; r++)
                seen.Add(b[0].Int64At(r));
        }
        return seen;
    }

    [Theory]
    [InlineData(0, 7)]
    [InlineData(5, 7)]
    [InlineData(7, 7)]
    [InlineData(1000, 7)]
    [InlineData(1000, 1)]
    public void Every_row_arrives_once_in_order(long rows, int maxRows)
    {
        Assert.Equal(Enumerable.Range(0, (int)rows).Select(i => (long)i), Drain(new CountingReader(rows), maxRows));
    }

    [Fact]
    public void A_reader_error_arrives_after_the_rows_before_it()
    {
        var seen = new List<long>();
        var reader = new CountingReader(1000, failAt: 555);
        var batch = new ColumnBatch(1, 10);
        reader.ReadBatch(batch, 10);
        using var prefetch = new BatchPrefetcher(reader, 10);
        var e = Assert.Throws<DataFormatException>(() =>
        {
            for (ColumnBatch? b = batch; b is not null; b = prefetch.Next(b))
            {
                for (int r = 0; r < b.RowCount; r++)
                    seen.Add(b[0].Int64At(r));
            }
        });
        Assert.Equal(555L, e.Row);
        Assert.Equal(Enumerable.Range(0, 550).Select(i => (long)i), seen);
    }

    [Fact]
    public void Disposing_in_the_middle_stops_the_reader_thread()
    {
        var reader = new CountingReader(1_000_000);
        var batch = new ColumnBatch(1, 100);
        reader.ReadBatch(batch, 100);
        var prefetch = new BatchPrefetcher(reader, 100);
        batch = prefetch.Next(batch)!;
        prefetch.Dispose();
        long stoppedAt = reader.BytesRead;
        Thread.Sleep(50);
        Assert.Equal(stoppedAt, reader.BytesRead);
        Assert.True(stoppedAt < 1_000_000);
    }
}
