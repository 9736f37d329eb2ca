using Trawl.Formats.Parquet;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Tests.Parquet;

/// <summary>Row groups decoded ahead on the thread pool must read exactly like the one-at-a-time path.</summary>
public sealed class ParquetPrefetchTests
{
    private static (long?[] Ids, long?[] Sizes, double?[] Scores, string?[] Tags, string?[] Captions) Sample(int n)
    {
        var rnd = new Random(n);
        var ids = new long?[n];
        var sizes = new long?[n];
        var scores = new double?[n];
        var tags = new string?[n];
        var captions = new string?[n];
        string[] words = ["UNLIKELY", "NSFW", "UNSURE", "", "ünïcödé"];
        for (int i = 0; i < n; i++)
        {
            ids[i] = i;
            // Long stretches of nulls as well as scattered ones, so runs with no value at all occur too.
            bool blank = i % 500 < 40;
            sizes[i] = blank || rnd.Next(9) == 0 ? null : rnd.Next(64, 2000);
            scores[i] = rnd.Next(11) == 0 ? null : rnd.NextDouble();
            tags[i] = blank || rnd.Next(17) == 0 ? null : words[rnd.Next(words.Length)];
            captions[i] = rnd.Next(13) == 0 ? null : "caption " + i + new string('w', i % 37);
        }
        return (ids, sizes, scores, tags, captions);
    }

    private static TestParquetWriter Writer((long?[] Ids, long?[] Sizes, double?[] Scores, string?[] Tags, string?[] Captions) s, bool snappy, int rowGroupSize, int pageRows)
        => new TestParquetWriter { Snappy = snappy, RowGroupSize = rowGroupSize, PageRows = pageRows }
            .Int64("id", s.Ids).Int64("size", s.Sizes, optional: true).Double("score", s.Scores, optional: true)
            .Text("tag", s.Tags, optional: true, dictionary: true).Text("caption", s.Captions, optional: true);

    [Theory]
    [InlineData(true, 300, int.MaxValue, 97)]
    [InlineData(false, 256, 50, 128)]
    [InlineData(true, 1000, 333, 1500)]
    public void Prefetched_row_groups_read_the_values_written_with_nulls_and_dictionaries(bool snappy, int rowGroupSize, int pageRows, int batchRows)
    {
        var s = Sample(3000);
        string path = ParquetTestData.TempFile(Writer(s, snappy, rowGroupSize, pageRows).Build());
        var one = ParquetTestData.ReadAll(path, po: new ParquetReaderOptions { MaxParallelism = 1 }, batchRows: batchRows);
        using var reader = ParquetTableReader.Open(path, parquetOptions: new ParquetReaderOptions { MaxParallelism = 4 });
        var many = ParquetTestData.ReadAll(reader, batchRows: batchRows);
        // Every row group went through the decode-ahead path.
        Assert.Equal(reader.RowGroupCount, reader.RowGroupsDecodedAhead);
        Assert.Equal(3000, many.Count);
        Assert.Equal(one.Count, many.Count);
        for (int i = 0; i < many.Count; i++)
        {
            Assert.Equal(one[i], many[i]);
            Assert.Equal(s.Ids[i], (long?)many[i][0]);
            Assert.Equal(s.Sizes[i], (long?)many[i][1]);
            Assert.Equal(s.Scores[i], (double?)many[i][2]);
            Assert.Equal(s.Tags[i], (string?)many[i][3]);
            Assert.Equal(s.Captions[i], (string?)many[i][4]);
        }
    }

    [Fact]
    public void A_damaged_later_row_group_fails_after_the_rows_before_it_as_without_prefetch()
    {
        var s = Sample(2000);
        var w = new TestParquetWriter { RowGroupSize = 300 }.Int64("id", s.Ids).Double("score", s.Scores, optional: true);
        byte[] bytes = w.Build();
        // Two pages a row group (id, score): damage the header of row group 4's score page.
        bytes[w.PageOffsets[4 * 2 + 1] + 1] ^= 0xFF;
        string path = ParquetTestData.TempFile(bytes);
        (int Rows, DataFormatException Error, int Ahead) Read(int parallelism)
        {
            using var reader = ParquetTableReader.Open(path, parquetOptions: new ParquetReaderOptions { MaxParallelism = parallelism });
            var batch = new ColumnBatch(reader.Schema.Count, 100);
            int rows = 0;
            var e = Assert.Throws<DataFormatException>(() =>
            {
                while (reader.ReadBatch(batch, 100))
                    rows += batch.RowCount;
            });
            return (rows, e, reader.RowGroupsDecodedAhead);
        }
        var sequential = Read(1);
        for (int run = 0; run < 3; run++)
        {
            var prefetched = Read(4);
            Assert.Equal(1200, prefetched.Rows);
            // Row groups 0-3 came from the decode-ahead path; the damaged one was read again page by page.
            Assert.Equal(4, prefetched.Ahead);
            Assert.Equal(0, sequential.Ahead);
            Assert.Equal(sequential.Rows, prefetched.Rows);
            Assert.Equal(sequential.Error.Message, prefetched.Error.Message);
            Assert.Equal("score", prefetched.Error.Column);
        }
    }

    [Fact]
    public void Disposing_a_reader_with_row_groups_decoding_ahead_waits_for_them()
    {
        var s = Sample(3000);
        string path = ParquetTestData.TempFile(Writer(s, snappy: true, rowGroupSize: 200, pageRows: 64).Build());
        for (int run = 0; run < 5; run++)
        {
            var reader = ParquetTableReader.Open(path, parquetOptions: new ParquetReaderOptions { MaxParallelism = 4 });
            var batch = new ColumnBatch(reader.Schema.Count, 50);
            Assert.True(reader.ReadBatch(batch, 50));
            Assert.Equal(0L, batch.Columns[0].Int64At(0));
            reader.Dispose();
        }
        File.Delete(path);
        Assert.False(File.Exists(path));
    }
}
