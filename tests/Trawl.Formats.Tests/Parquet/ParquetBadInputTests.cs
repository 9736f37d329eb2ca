using Trawl.Formats.Parquet;
using Trawl.Formats.Tables;
using Xunit.Abstractions;

namespace Trawl.Formats.Tests.Parquet;

public sealed class ParquetBadInputTests(ITestOutputHelper output)
{
    private static TestParquetWriter Writer(bool crc = false, bool snappy = false)
    {
        int n = 500;
        return new TestParquetWriter { WriteCrc = crc, Snappy = snappy, RowGroupSize = 200 }
            .Int64("id", Enumerable.Range(0, n).Select(i => (long?)i * 3).ToArray())
            .Text("name", Enumerable.Range(0, n).Select(i => i % 4 == 0 ? null : "name" + (i % 13)).ToArray(), optional: true, dictionary: true)
            .Double("score", Enumerable.Range(0, n).Select(i => (double?)i / 7).ToArray());
    }

    private static DataFormatException ReadFails(string path, ParquetReaderOptions? po = null)
        => Assert.Throws<DataFormatException>(() => ParquetTestData.ReadAll(path, po: po));

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(11)]
    public void File_shorter_than_the_magic_and_footer_is_refused(int length)
    {
        byte[] good = Writer().Build();
        string path = ParquetTestData.TempFile(good[..length]);
        var e = ReadFails(path);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void File_truncated_anywhere_is_refused_with_its_name()
    {
        var w = Writer();
        byte[] good = w.Build();
        // In the leading magic, inside each page, just before the footer, inside the footer, in the trailing magic.
        var cuts = new List<int> { 3, 4, good.Length - 1, good.Length - 6, good.Length - 9, good.Length - 30 };
        cuts.AddRange(w.PageOffsets.Select(p => (int)p + 5));
        foreach (int cut in cuts)
        {
            string path = ParquetTestData.TempFile(good[..cut]);
            var e = ReadFails(path);
            Assert.Contains(path, e.Message);
        }
    }

    [Fact]
    public void Not_parquet_is_refused()
    {
        string path = ParquetTestData.TempFile("id,name\n1,cat\n2,dog\n3,bird\n"u8.ToArray());
        var e = ReadFails(path);
        Assert.Contains("PAR1", e.Message);
    }

    [Fact]
    public void Encrypted_footer_magic_is_refused_as_encrypted()
    {
        byte[] bytes = Writer().Build();
        "PARE"u8.CopyTo(bytes.AsSpan(bytes.Length - 4));
        "PARE"u8.CopyTo(bytes);
        var e = ReadFails(ParquetTestData.TempFile(bytes));
        Assert.Contains("encrypted Parquet is not supported", e.Message);
    }

    [Fact]
    public void Footer_length_beyond_the_file_is_refused()
    {
        byte[] bytes = Writer().Build();
        bytes[^8] = 0xFF; bytes[^7] = 0xFF; bytes[^6] = 0xFF; bytes[^5] = 0x7F;
        var e = ReadFails(ParquetTestData.TempFile(bytes));
        Assert.Contains("footer length", e.Message);
    }

    [Fact]
    public void Flipped_bytes_in_a_page_header_give_an_error_naming_file_and_column()
    {
        var w = Writer();
        byte[] good = w.Build();
        for (int k = 0; k < 6; k++)
        {
            byte[] bytes = (byte[])good.Clone();
            bytes[w.PageOffsets[0] + k] ^= 0xFF;
            string path = ParquetTestData.TempFile(bytes);
            var e = Record.Exception(() => ParquetTestData.ReadAll(path));
            // A flip may land on a byte that changes nothing decodable (e.g. a CRC-less size that still fits) — then values must still come out right.
            if (e is null)
                continue;
            var dfe = Assert.IsType<DataFormatException>(e);
            Assert.Contains(path, dfe.Message);
            Assert.Equal("id", dfe.Column);
        }
    }

    [Fact]
    public void Page_checksum_mismatch_names_file_column_and_page()
    {
        var w = Writer(crc: true);
        byte[] bytes = w.Build();
        // The last byte of the first page's body: the header is intact, only the data changed.
        bytes[w.PageOffsets[1] - 1] ^= 0x01;
        string path = ParquetTestData.TempFile(bytes);
        var e = ReadFails(path);
        Assert.Contains("checksum", e.Message);
        Assert.Contains("page 0", e.Message);
        Assert.Equal("id", e.Column);
        Assert.NotNull(e.ByteOffset);
    }

    [Fact]
    public void Dictionary_index_out_of_range_is_refused()
    {
        var w = Writer();
        byte[] bytes = w.Build();
        // The index section is [bit width][run header][packed bits]: set every bit of the packed indices.
        long at = w.IndexSectionOffsets[0];
        int bw = bytes[at];
        for (int k = 0; k < bw; k++)
            bytes[at + 2 + k] = 0xFF;
        string path = ParquetTestData.TempFile(bytes);
        var e = ReadFails(path);
        Assert.Contains("dictionary index", e.Message);
        Assert.Equal("name", e.Column);
    }

    [Fact]
    public void Column_size_limit_refuses_a_chunk_before_allocating_it()
    {
        string path = ParquetTestData.TempFile(Writer().Build());
        var e = ReadFails(path, new ParquetReaderOptions { MaxColumnChunkBytes = 100 });
        Assert.Contains("limit", e.Message);
    }

    [Fact]
    public void Every_single_byte_corruption_gives_correct_rows_or_a_data_format_error()
    {
        foreach (bool snappy in new[] { false, true })
        {
            var w = new TestParquetWriter { Snappy = snappy, RowGroupSize = 12 }
                .Int64("id", Enumerable.Range(0, 30).Select(i => (long?)i).ToArray())
                .Text("name", Enumerable.Range(0, 30).Select(i => i % 3 == 0 ? null : "n" + (i % 7)).ToArray(), optional: true, dictionary: true);
            byte[] good = w.Build();
            var expected = ParquetTestData.ReadAll(ParquetTestData.TempFile(good));
            string dir = Path.GetDirectoryName(ParquetTestData.TempFile([1]))!;
            string path = Path.Combine(dir, "mutant.parquet");
            int errors = 0, same = 0, different = 0;
            foreach (byte mask in new byte[] { 0xFF, 0x01 })
            {
                for (int i = 0; i < good.Length; i++)
                {
                    byte[] bytes = (byte[])good.Clone();
                    bytes[i] ^= mask;
                    File.WriteAllBytes(path, bytes);
                    try
                    {
                        var rows = ParquetTestData.ReadAll(path, po: new ParquetReaderOptions { MaxColumnChunkBytes = 1 << 20 });
                        bool equal = rows.Count == expected.Count && rows.Zip(expected).All(p => p.First.SequenceEqual(p.Second));
                        if (equal) same++; else different++;
                    }
                    catch (DataFormatException e)
                    {
                        Assert.Contains(path, e.Message);
                        errors++;
                    }
                }
            }
            // Without page CRCs some flips (in plain values) legitimately change values; every other outcome must be an error.
            output.WriteLine($"snappy={snappy}: {errors} errors, {same} unchanged, {different} changed values");
            Assert.True(errors > 0);
        }
    }
}
