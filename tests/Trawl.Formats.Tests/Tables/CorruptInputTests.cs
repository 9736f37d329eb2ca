using System.Text;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;

namespace Trawl.Formats.Tests.Tables;

/// <summary>Every reader, fed truncated and randomly damaged files, reads them or throws DataFormatException: never another exception or a hang.</summary>
public sealed class CorruptInputTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static byte[] Sample(string format)
    {
        var text = new StringBuilder();
        var random = new Random(1);
        switch (format)
        {
            case "csv":
                text.Append("id,caption,score\n");
                for (int i = 0; i < 40; i++)
                    text.Append(i).Append(",\"cap, ").Append(i).Append(" \"\"é\"\"\n2nd\",").Append(random.NextDouble()).Append('\n');
                break;
            case "jsonl":
                for (int i = 0; i < 40; i++)
                    text.Append($"{{\"id\":{i},\"caption\":\"cap \\\"{i}\\\" é\",\"meta\":{{\"s\":[1,2.5,null,true]}}}}\n");
                break;
            default:
                text.Append("{\"info\":{\"v\":[1,{\"x\":2}]},\"rows\":[\n");
                for (int i = 0; i < 40; i++)
                    text.Append(i > 0 ? ",\n" : "").Append($"{{\"id\":{i},\"caption\":\"cap {i} é\",\"meta\":{{\"s\":[1,2]}}}}");
                text.Append("]}");
                break;
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void ReadOrRefuse(string path, TableReaderOptions options)
    {
        try
        {
            Rows.ReadAll(path, options, maxRows: 7);
        }
        catch (DataFormatException e)
        {
            Assert.Contains(Path.GetFileName(path), e.Message);
        }
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    [InlineData("json")]
    public void Truncated_files_read_or_fail_cleanly(string format)
    {
        byte[] whole = Sample(format);
        var options = new TableReaderOptions { Format = format, JsonPath = format == "json" ? "rows" : null, Flatten = true };
        for (int cut = 0; cut < whole.Length; cut += 7)
        {
            ReadOrRefuse(_files.Write($"cut.{format}", whole[..cut]), options);
            ReadOrRefuse(_files.Write($"cut.{format}.gz", TempFiles.Gzip(whole)[..Math.Min(cut, TempFiles.Gzip(whole).Length)]), options);
        }
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    [InlineData("json")]
    public void Damaged_files_read_or_fail_cleanly(string format)
    {
        byte[] whole = Sample(format);
        var random = new Random(format.Length);
        byte[] interesting = [(byte)'"', (byte)',', (byte)'\n', (byte)'\r', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)'\\', (byte)':', 0xFF, 0xC3, 0x80, 0];
        var options = new TableReaderOptions { Format = format, JsonPath = format == "json" ? "rows" : null };
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] damaged = (byte[])whole.Clone();
            int changes = 1 + random.Next(4);
            for (int c = 0; c < changes; c++)
                damaged[random.Next(damaged.Length)] = random.Next(2) == 0 ? interesting[random.Next(interesting.Length)] : (byte)random.Next(256);
            ReadOrRefuse(_files.Write($"damaged.{format}", damaged), options);
        }
        byte[] gz = TempFiles.Gzip(whole);
        for (int trial = 0; trial < 100; trial++)
        {
            byte[] damaged = (byte[])gz.Clone();
            damaged[10 + random.Next(damaged.Length - 10)] ^= (byte)(1 + random.Next(255));
            ReadOrRefuse(_files.Write($"damaged.{format}.gz", damaged), options);
        }
    }
}
