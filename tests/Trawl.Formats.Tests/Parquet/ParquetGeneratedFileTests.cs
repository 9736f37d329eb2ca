using Trawl.Formats.Parquet;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Tests.Parquet;

public sealed class ParquetGeneratedFileTests
{
    private static (long?[] Ids, double?[] Scores, string?[] Names) Sample(int n)
    {
        var rnd = new Random(n);
        var ids = new long?[n];
        var scores = new double?[n];
        var names = new string?[n];
        string[] words = ["cat", "dog", "ünïcödé", "", "a longer caption with spaces", "emoji 🦜"];
        for (int i = 0; i < n; i++)
        {
            ids[i] = rnd.NextInt64(long.MinValue, long.MaxValue);
            scores[i] = i % 7 == 3 ? null : rnd.NextDouble() * 1000 - 500;
            names[i] = i % 5 == 1 ? null : words[rnd.Next(words.Length)] + (i % 3 == 0 ? "" : i.ToString());
        }
        return (ids, scores, names);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Multi_page_snappy_text_reads_back_in_odd_batches(int parallelism)
    {
        // Snappy pages of PLAIN text hand their buffer over as the values' heap; every page, batch edge and null must survive that.
        string?[] required = [.. Enumerable.Range(0, 700).Select(i => "value " + i + new string('x', i % 50))];
        string?[] optional = [.. Enumerable.Range(0, 700).Select(i => i % 7 == 3 ? null : "o" + (i * 31))];
        long?[] ids = [.. Enumerable.Range(0, 700).Select(i => (long?)i)];
        var w = new TestParquetWriter { Snappy = true, PageRows = 64, RowGroupSize = 300 }
            .Int64("id", ids).Text("req", required).Text("opt", optional, optional: true);
        string path = ParquetTestData.TempFile(w.Build());
        var rows = ParquetTestData.ReadAll(path, po: new ParquetReaderOptions { MaxParallelism = parallelism }, batchRows: 97);
        Assert.Equal(700, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal((long)i, rows[i][0]);
            Assert.Equal(required[i], rows[i][1]);
            Assert.Equal(optional[i], rows[i][2]);
        }
    }

    [Theory]
    [InlineData(false, false, int.MaxValue)]
    [InlineData(true, false, 100)]
    [InlineData(false, true, 64)]
    [InlineData(true, true, 1000)]
    public void Generated_file_reads_back_the_values_written(bool snappy, bool dictionary, int rowGroupSize)
    {
        var (ids, scores, names) = Sample(1000);
        var w = new TestParquetWriter { Snappy = snappy, RowGroupSize = rowGroupSize, WriteCrc = true }
            .Int64("id", ids).Double("score", scores, optional: true).Text("name", names, optional: true, dictionary: dictionary);
        string path = ParquetTestData.TempFile(w.Build());

        using var reader = ParquetTableReader.Open(path);
        Assert.Equal(1000, reader.RowCount);
        Assert.Equal(["id", "score", "name"], reader.Schema.Columns.Select(c => c.Name));
        Assert.Equal([ColumnType.Int64, ColumnType.Double, ColumnType.Text], reader.Schema.Columns.Select(c => c.Type));
        var rows = ParquetTestData.ReadAll(reader, batchRows: 77);
        Assert.Equal(1000, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(ids[i], (long?)rows[i][0]);
            Assert.Equal(scores[i], (double?)rows[i][1]);
            Assert.Equal(names[i], (string?)rows[i][2]);
        }
        Assert.Equal(reader.BytesTotal, reader.BytesRead);
    }

    [Fact]
    public void Projection_reads_only_the_named_columns_in_the_order_asked()
    {
        var (ids, scores, names) = Sample(300);
        var w = new TestParquetWriter().Int64("id", ids).Double("score", scores, optional: true).Text("name", names, optional: true);
        string path = ParquetTestData.TempFile(w.Build());

        var rows = ParquetTestData.ReadAll(path, new TableReaderOptions { Columns = ["NAME", "id"] });
        using var reader = ParquetTableReader.Open(path, new TableReaderOptions { Columns = ["name", "id"] });
        Assert.Equal(["name", "id"], reader.Schema.Columns.Select(c => c.Name));
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(names[i], (string?)rows[i][0]);
            Assert.Equal(ids[i], (long?)rows[i][1]);
        }
    }

    [Fact]
    public void Projection_of_an_unknown_column_names_the_columns_there_are()
    {
        string path = ParquetTestData.TempFile(new TestParquetWriter().Int64("id", [1, 2]).Build());
        var e = Assert.Throws<DataFormatException>(() => ParquetTableReader.Open(path, new TableReaderOptions { Columns = ["nope"] }));
        Assert.Contains("nope", e.Message);
        Assert.Contains("id", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Projection_naming_a_column_twice_is_refused()
    {
        string path = ParquetTestData.TempFile(new TestParquetWriter().Int64("id", [1, 2]).Build());
        var e = Assert.Throws<DataFormatException>(() => ParquetTableReader.Open(path, new TableReaderOptions { Columns = ["id", "ID"] }));
        Assert.Contains("twice", e.Message);
    }

    [Fact]
    public void Projection_skips_a_damaged_column_that_was_not_asked_for()
    {
        var w = new TestParquetWriter().Int64("id", [1, 2, 3]).Text("name", ["a", "b", "c"]);
        byte[] bytes = w.Build();
        // Damage the second column's page header; reading only "id" never decodes it.
        bytes[w.PageOffsets[1] + 1] ^= 0xFF;
        string path = ParquetTestData.TempFile(bytes);

        var rows = ParquetTestData.ReadAll(path, new TableReaderOptions { Columns = ["id"] });
        Assert.Equal([1L, 2L, 3L], rows.Select(r => (long)r[0]!));
        Assert.Throws<DataFormatException>(() => ParquetTestData.ReadAll(path));
    }

    [Fact]
    public void Parallel_and_sequential_decoding_agree_on_rows_and_on_the_first_error()
    {
        var (ids, scores, names) = Sample(2000);
        var w = new TestParquetWriter { RowGroupSize = 300 }.Int64("id", ids).Double("score", scores, optional: true).Text("name", names, optional: true, dictionary: true);
        byte[] bytes = w.Build();
        string path = ParquetTestData.TempFile(bytes);
        var one = ParquetTestData.ReadAll(path, po: new ParquetReaderOptions { MaxParallelism = 1 });
        var many = ParquetTestData.ReadAll(path, po: new ParquetReaderOptions { MaxParallelism = 8 });
        Assert.Equal(one.Count, many.Count);
        for (int i = 0; i < one.Count; i++)
            Assert.Equal(one[i], many[i]);

        // Damage the second and third columns of the first row group: the error must name the second either way.
        byte[] bad = (byte[])bytes.Clone();
        bad[w.PageOffsets[1] + 1] ^= 0xFF;
        bad[w.PageOffsets[2] + 1] ^= 0xFF;
        string badPath = ParquetTestData.TempFile(bad);
        for (int run = 0; run < 5; run++)
        {
            var e1 = Assert.Throws<DataFormatException>(() => ParquetTestData.ReadAll(badPath, po: new ParquetReaderOptions { MaxParallelism = 1 }));
            var e8 = Assert.Throws<DataFormatException>(() => ParquetTestData.ReadAll(badPath, po: new ParquetReaderOptions { MaxParallelism = 8 }));
            Assert.Equal(e1.Message, e8.Message);
            Assert.Equal("score", e8.Column);
        }
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 4)]
    public void Flat_columns_stream_across_many_pages_and_batches_that_do_not_line_up(bool snappy, int parallelism)
    {
        var (ids, scores, names) = Sample(5000);
        var w = new TestParquetWriter { Snappy = snappy, RowGroupSize = 2100, PageRows = 97 }
            .Int64("id", ids).Double("score", scores, optional: true).Text("name", names, optional: true, dictionary: true);
        string path = ParquetTestData.TempFile(w.Build());
        var rows = ParquetTestData.ReadAll(path, po: new ParquetReaderOptions { MaxParallelism = parallelism }, batchRows: 1234);
        Assert.Equal(5000, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(ids[i], (long?)rows[i][0]);
            Assert.Equal(scores[i], (double?)rows[i][1]);
            Assert.Equal(names[i], (string?)rows[i][2]);
        }
    }

    [Fact]
    public void Size_limit_applies_to_a_page_at_a_time_for_flat_columns()
    {
        long?[] ids = Enumerable.Range(0, 20_000).Select(i => (long?)i).ToArray();
        var paged = new TestParquetWriter { PageRows = 1000 }.Int64("id", ids);
        var onePage = new TestParquetWriter().Int64("id", ids);
        var limit = new ParquetReaderOptions { MaxColumnChunkBytes = 64_000 };
        // 20,000 values decode to 160 KB as a whole chunk, but only 8 KB (plus levels) a page.
        Assert.Equal(20_000, ParquetTestData.ReadAll(ParquetTestData.TempFile(paged.Build()), po: limit).Count);
        var e = Assert.Throws<DataFormatException>(() => ParquetTestData.ReadAll(ParquetTestData.TempFile(onePage.Build()), po: limit));
        Assert.Contains("limit", e.Message);
    }

    [Fact]
    public void Empty_file_has_no_rows()
    {
        string path = ParquetTestData.TempFile(new TestParquetWriter().Int64("id", []).Build());
        using var reader = ParquetTableReader.Open(path);
        Assert.Equal(0, reader.RowCount);
        var batch = new ColumnBatch(1, 128);
        Assert.False(reader.ReadBatch(batch, 100));
        Assert.Equal(0, batch.RowCount);
    }

    [Fact]
    public void Batches_span_row_groups_and_number_their_first_rows()
    {
        long?[] ids = Enumerable.Range(0, 250).Select(i => (long?)i).ToArray();
        string path = ParquetTestData.TempFile(new TestParquetWriter { RowGroupSize = 60 }.Int64("id", ids).Build());
        using var reader = ParquetTableReader.Open(path);
        var batch = new ColumnBatch(1, 128);
        var firsts = new List<long>();
        var all = new List<long>();
        long lastProgress = 0;
        while (reader.ReadBatch(batch, 100))
        {
            firsts.Add(batch.FirstRow);
            for (int r = 0; r < batch.RowCount; r++)
                all.Add(batch.Columns[0].Int64At(r));
            Assert.True(reader.BytesRead >= lastProgress);
            lastProgress = reader.BytesRead;
        }
        Assert.Equal([0L, 100L, 200L], firsts);
        Assert.Equal(ids.Select(i => i!.Value), all);
    }
}
