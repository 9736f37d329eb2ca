using System.Text;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;

namespace Trawl.Formats.Tests.Compression;

public sealed class GzipInputTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string CsvText(int rows)
    {
        var text = new StringBuilder("id,text\n");
        for (int i = 0; i < rows; i++)
            text.Append(i).Append(",\"row ").Append(i).Append(", with a comma\"\n");
        return text.ToString();
    }

    [Fact]
    public void Gzipped_csv_jsonl_and_json_read_like_the_plain_files()
    {
        string csv = CsvText(500);
        Assert.Equal(Rows.ReadAll(_files.Write("a.csv", csv)).Rows, Rows.ReadAll(_files.WriteGzip("a.csv.gz", csv)).Rows);
        string jsonl = "{\"a\":1,\"b\":{\"c\":\"x\"}}\n{\"a\":2}\n";
        Assert.Equal(Rows.ReadAll(_files.Write("a.jsonl", jsonl)).Rows, Rows.ReadAll(_files.WriteGzip("a.jsonl.gz", jsonl)).Rows);
        string json = "{\"rows\":[{\"a\":1},{\"a\":2}]}";
        var options = new TableReaderOptions { JsonPath = "rows" };
        Assert.Equal(Rows.ReadAll(_files.Write("a.json", json), options).Rows, Rows.ReadAll(_files.WriteGzip("a.json.gz", json), options).Rows);
    }

    [Fact]
    public void Gzip_is_detected_by_its_magic_bytes_not_the_name()
    {
        var t = Rows.ReadAll(_files.WriteGzip("really-gzip.csv", "a\n1\n"));
        Assert.Equal(["1"], t.Rows.Single());
    }

    [Fact]
    public void Concatenated_gzip_members_are_read_whole()
    {
        byte[] first = TempFiles.Gzip(Encoding.UTF8.GetBytes("a,b\n1,2\n"));
        byte[] second = TempFiles.Gzip(Encoding.UTF8.GetBytes("3,4\n5,6\n"));
        var t = Rows.ReadAll(_files.Write("multi.csv.gz", [.. first, .. second]));
        Assert.Equal(3, t.Rows.Count);
        Assert.Equal(["5", "6"], t.Rows[2]);
    }

    [Fact]
    public void Progress_counts_compressed_bytes()
    {
        string path = _files.WriteGzip("p.csv.gz", CsvText(3000));
        using var reader = TableReaders.Open(path);
        long size = new FileInfo(path).Length;
        Assert.Equal(size, reader.BytesTotal);
        Rows.ReadAll(reader);
        Assert.Equal(size, reader.BytesRead);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(9)]
    [InlineData(100)]
    [InlineData(2000)]
    public void Truncated_gzip_is_an_error_naming_the_file(int cutFromEnd)
    {
        byte[] whole = TempFiles.Gzip(Encoding.UTF8.GetBytes(CsvText(3000)));
        string path = _files.Write("cut.csv.gz", whole[..^cutFromEnd]);
        var e = Assert.Throws<DataFormatException>(() => Rows.ReadAll(path));
        Assert.Contains("cut.csv.gz", e.Message);
        Assert.Contains("gzip", e.Message);
    }

    [Fact]
    public void Truncated_gzip_json_lines_are_an_error()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 2000; i++)
            text.Append($"{{\"id\":{i}}}\n");
        byte[] whole = TempFiles.Gzip(Encoding.UTF8.GetBytes(text.ToString()));
        string path = _files.Write("cut.jsonl.gz", whole[..(whole.Length / 2)]);
        Assert.Throws<DataFormatException>(() => Rows.ReadAll(path));
    }

    [Fact]
    public void Random_bytes_after_the_gzip_magic_are_not_a_valid_gzip_stream()
    {
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);
        bytes[0] = 0x1F;
        bytes[1] = 0x8B;
        var e = Assert.Throws<DataFormatException>(() => Rows.ReadAll(_files.Write("random.csv.gz", bytes)));
        Assert.Contains("not a valid gzip stream", e.Message);
        Assert.Contains("random.csv.gz", e.Message);
    }

    [Fact]
    public void Corrupted_middle_of_a_gzip_stream_is_an_error()
    {
        byte[] whole = TempFiles.Gzip(Encoding.UTF8.GetBytes(CsvText(3000)));
        for (int i = whole.Length / 3; i < whole.Length / 3 + 64; i++)
            whole[i] ^= 0x5A;
        Assert.Throws<DataFormatException>(() => Rows.ReadAll(_files.Write("corrupt.csv.gz", whole)));
    }
}
