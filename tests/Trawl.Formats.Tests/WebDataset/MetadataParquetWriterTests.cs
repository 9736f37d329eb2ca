using Trawl.Formats.Tables;
using Trawl.Formats.WebDataset;

namespace Trawl.Formats.Tests.WebDataset;

public sealed class MetadataParquetWriterTests
{
    [Theory]
    [InlineData(1, 10_000)]
    [InlineData(2_345, 1_000)]
    [InlineData(0, 100)]
    public void Rows_read_back_through_the_parquet_reader(int rows, int perGroup)
    {
        string path = Path.Combine(Path.GetTempPath(), "trawl-meta-" + Guid.NewGuid().ToString("N")[..10] + ".parquet");
        try
        {
            var expected = new List<object?[]>();
            using (var w = new MetadataParquetWriter(File.Create(path),
                [("url", MetadataColumnType.Text), ("width", MetadataColumnType.Int32), ("size", MetadataColumnType.Int64), ("score", MetadataColumnType.Double)])
                { MaxRowsPerGroup = perGroup })
            {
                for (int i = 0; i < rows; i++)
                {
                    object?[] row = [i % 7 == 0 ? null : $"http://h/ü{i}.jpg", i % 5 == 0 ? null : i, (long)i << 33, i % 3 == 0 ? null : i / 4.0];
                    expected.Add(row);
                    w.WriteRow(row);
                }
            }
            using var reader = TableReaders.Open(path);
            Assert.Equal(rows, reader.RowCount);
            var batch = new ColumnBatch(4);
            int n = 0;
            while (reader.ReadBatch(batch, 1000))
            {
                for (int i = 0; i < batch.RowCount; i++, n++)
                {
                    Assert.Equal(expected[n][0], batch[0].ValueAt(i));
                    Assert.Equal(expected[n][1] is int x ? (long)x : null, batch[1].ValueAt(i));
                    Assert.Equal(expected[n][2], batch[2].ValueAt(i));
                    Assert.Equal(expected[n][3], batch[3].ValueAt(i));
                }
            }
            Assert.Equal(rows, n);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_refused()
    {
        using var w = new MetadataParquetWriter(new MemoryStream(), [("width", MetadataColumnType.Int32)]);
        Assert.Throws<ArgumentException>(() => w.WriteRow(["256"]));
    }
}
