using Trawl.Formats.Parquet;
using Trawl.Formats.Tables;
using Xunit.Abstractions;
using Trawl.Testing;

namespace Trawl.Formats.Tests.Parquet;

/// <summary>LAION-style metadata files from the shared data.</summary>
public sealed class ParquetRealDataTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Img2dataset_sample_reads_every_url_and_caption()
    {
        string path = Requirements.SharedData("img2dataset/test_10000.parquet");
        using var reader = ParquetTableReader.Open(path);
        Assert.Equal(10000, reader.RowCount);
        int url = reader.Schema.IndexOf("URL"), text = reader.Schema.IndexOf("TEXT");
        Assert.Equal(ColumnType.Text, reader.Schema.Columns[url].Type);
        var rows = ParquetTestData.ReadAll(reader, batchRows: 1000);
        Assert.Equal(10000, rows.Count);
        // The sample holds one junk row ("UNLIKELY"); every other URL is http(s).
        Assert.All(rows, r => Assert.IsType<string>(r[url]));
        Assert.True(rows.Count(r => ((string)r[url]!).StartsWith("http", StringComparison.Ordinal)) >= 9990);
        Assert.True(rows.Count(r => r[text] is string s && s.Length > 0) > 9000);
        Assert.Equal(reader.BytesTotal, reader.BytesRead);
    }

    [SkippableFact]
    public void Footer_metadata_of_a_pandas_written_file_is_exposed()
    {
        string path = Requirements.SharedData("img2dataset/test_10000.parquet");
        using var reader = ParquetTableReader.Open(path);
        Assert.True(reader.RowGroupCount >= 1);
        // The sample carries a pandas index column, so pandas wrote its schema into the key/value metadata.
        Assert.Contains(reader.KeyValueMetadata, kv => kv.Key == "pandas" && kv.Value!.Contains("__index_level_0__"));
    }

    [SkippableFact]
    public void Projection_on_real_data_gives_the_same_values_as_a_full_read()
    {
        string path = Requirements.SharedData("img2dataset/test_10000.parquet");
        var all = ParquetTestData.ReadAll(path);
        using var full = ParquetTableReader.Open(path);
        int text = full.Schema.IndexOf("TEXT");
        var projected = ParquetTestData.ReadAll(path, new TableReaderOptions { Columns = ["TEXT"] }, batchRows: 4096);
        Assert.Equal(all.Select(r => r[text]), projected.Select(r => r[0]));
    }

    [SkippableFact]
    public void Clip_retrieval_metadata_reads()
    {
        string path = Requirements.SharedData("clip-retrieval-fashion9/embeddings/metadata/metadata_0.parquet");
        using var reader = ParquetTableReader.Open(path);
        var rows = ParquetTestData.ReadAll(reader);
        Assert.Equal(reader.RowCount, rows.Count);
        Assert.True(rows.Count > 0);
        int caption = reader.Schema.IndexOf("caption");
        Assert.True(caption >= 0);
        Assert.All(rows, r => Assert.IsType<string>(r[caption]));
    }

    [SkippableFact]
    public void Damaged_real_file_gives_data_format_errors_only()
    {
        string dir = Requirements.SharedData("parquet-testing/data");
        // A ZSTD file and a Snappy dictionary file: flip bytes all over and expect rows or a DataFormatException, never anything else.
        foreach (string name in new[] { "delta_length_byte_array.parquet", "rle-dict-snappy-checksum.parquet", "nested_lists.snappy.parquet" })
        {
            byte[] good = File.ReadAllBytes(Path.Combine(dir, name));
            string path = ParquetTestData.TempFile([], name);
            var rnd = new Random(name.Length);
            int errors = 0;
            for (int trial = 0; trial < 300; trial++)
            {
                byte[] bytes = (byte[])good.Clone();
                int flips = 1 + rnd.Next(3);
                for (int f = 0; f < flips; f++)
                    bytes[rnd.Next(4, bytes.Length - 8)] ^= (byte)(1 << rnd.Next(8));
                File.WriteAllBytes(path, bytes);
                try
                {
                    ParquetTestData.ReadAll(path, po: new ParquetReaderOptions { MaxColumnChunkBytes = 16 << 20 });
                }
                catch (DataFormatException e)
                {
                    Assert.Contains(path, e.Message);
                    errors++;
                }
            }
            output.WriteLine($"{name}: {errors} of 300 damaged copies refused");
            Assert.True(errors > 0);
        }
    }
}
