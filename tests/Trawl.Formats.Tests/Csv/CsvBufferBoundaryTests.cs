using System.Text;
using Trawl.Formats.Csv;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;

namespace Trawl.Formats.Tests.Csv;

/// <summary>Records cut by the read window at every possible place must read the same as with a big window.</summary>
public sealed class CsvBufferBoundaryTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>A file with every awkward thing near every byte position: quotes, doubled quotes, CRLF, embedded newlines, multi-byte UTF-8, empty fields.</summary>
    private static string Awkward(int rows, int seed)
    {
        var random = new Random(seed);
        string[] pieces = ["plain", "", "\"\"", "\"a,b\"", "\"say \"\"hi\"\"\"", "\"x\r\ny\"", "\"multi\nline\"", "zoë", "日本語", "\"\"\"\"", "5\" disk"];
        var text = new StringBuilder("\uFEFFid,one,two,three\r\n");
        for (int r = 0; r < rows; r++)
        {
            text.Append(r);
            for (int c = 0; c < 3; c++)
                text.Append(',').Append(pieces[random.Next(pieces.Length)]);
            text.Append(random.Next(3) == 0 ? "\r\n" : "\n");
            if (random.Next(10) == 0)
                text.Append('\n');
        }
        return text.ToString();
    }

    [Fact]
    public void Tiny_window_reads_the_same_rows_as_a_64k_window()
    {
        string path = _files.Write("awkward.csv", Awkward(400, 7));
        var options = new TableReaderOptions();
        using var big = CsvReader.Open(path, options, (byte)',', 64 << 10);
        var expected = Rows.ReadAll(big, maxRows: 50);
        Assert.Equal(400, expected.Rows.Count);
        foreach (int size in new[] { 4, 5, 7, 16, 33, 100 })
        {
            using var small = CsvReader.Open(path, options, (byte)',', size);
            var actual = Rows.ReadAll(small, maxRows: 13);
            Assert.Equal(expected.Columns, actual.Columns);
            Assert.Equal(expected.Rows, actual.Rows);
            Assert.Equal(expected.Lines, actual.Lines);
        }
    }

    [Fact]
    public void Tiny_window_reads_awkward_rows_as_an_independent_parser_does()
    {
        string text = Awkward(200, 11);
        string path = _files.Write("awkward2.csv", text);
        using var small = CsvReader.Open(path, new TableReaderOptions(), (byte)',', 6);
        var actual = Rows.ReadAll(small, maxRows: 9);

        // CsvHelper has no NULL, so compare with null read as "".
        using var csv = global::CsvHelper.CsvReader.FromText(text, global::CsvHelper.CsvReaderOptions.Default with { Separator = ',' });
        var expected = new List<string[]>();
        csv.ReadHeader();
        while (csv.Read())
            expected.Add(Enumerable.Range(0, 4).Select(i => csv.GetString(i)).ToArray());
        Assert.Equal(expected.Count, actual.Rows.Count);
        for (int r = 0; r < expected.Count; r++)
            Assert.Equal(expected[r], actual.Rows[r].Select(v => (string?)v ?? "").ToArray());
    }

    [Fact]
    public void Record_longer_than_the_window_grows_it()
    {
        string big = new string('x', 10_000);
        string path = _files.Write("long.csv", $"a,b\n1,\"{big}\"\n2,{big}\n");
        using var reader = CsvReader.Open(path, new TableReaderOptions(), (byte)',', 16);
        var t = Rows.ReadAll(reader);
        Assert.Equal([big, big], t.Rows.Select(r => r[1]));
    }
}
