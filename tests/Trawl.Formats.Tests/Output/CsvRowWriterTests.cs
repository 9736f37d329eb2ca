using System.Text;
using Trawl.Formats.Output;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;

namespace Trawl.Formats.Tests.Output;

public sealed class CsvRowWriterTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Write(TableSchema schema, ColumnBatch batch, char delimiter = ',')
    {
        var output = new MemoryStream();
        using (var writer = new CsvRowWriter(output, schema, delimiter, leaveOpen: true))
            writer.WriteBatch(batch);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Fact]
    public void Fields_are_quoted_only_when_needed()
    {
        var batch = new ColumnBatch(3, capacity: 1);
        string[] values = ["plain", "a,b", "say \"hi\"", "line\nbreak", "cr\rhere", " padded", "", "日本"];
        foreach (string v in values)
        {
            batch[0].AppendText(v);
            batch[1].AppendNull();
            batch[2].AppendInt64(7);
        }
        batch.RowCount = values.Length;
        string text = Write(JsonLinesRowWriterTests.Schema("text", "nothing", "n,um"), batch);
        Assert.Equal(
            "text,nothing,\"n,um\"\nplain,,7\n\"a,b\",,7\n\"say \"\"hi\"\"\",,7\n\"line\nbreak\",,7\n\"cr\rhere\",,7\n\" padded\",,7\n\"\",,7\n日本,,7\n",
            text);
    }

    [Fact]
    public void Numbers_booleans_binary_and_json_are_formatted_invariantly()
    {
        var batch = new ColumnBatch(1, capacity: 1);
        batch[0].AppendDouble(0.1);
        batch[0].AppendDouble(-1.5e300);
        batch[0].AppendDouble(double.NaN);
        batch[0].AppendDouble(double.NegativeInfinity);
        batch[0].AppendBoolean(false);
        batch[0].AppendBinary([1, 2, 3]);
        batch[0].AppendJson("{\"a\":1}"u8);
        batch[0].AppendInt64(-42);
        batch.RowCount = 8;
        string[] lines = Write(JsonLinesRowWriterTests.Schema("v"), batch).Split('\n');
        Assert.Equal(["v", "0.1", "-1.5E+300", "NaN", "-Infinity", "false", "AQID", "\"{\"\"a\"\":1}\"", "-42", ""], lines);
    }

    [Fact]
    public void Output_reads_back_unchanged_including_null_and_empty()
    {
        var batch = new ColumnBatch(2, capacity: 2);
        var random = new Random(5);
        var expected = new List<object?[]>();
        string[] pieces = ["a", ",", "\"", "\n", "\r\n", " ", "é", "x\ty"];
        for (int r = 0; r < 300; r++)
        {
            string? a = random.Next(6) == 0 ? null : string.Concat(Enumerable.Range(0, random.Next(5)).Select(_ => pieces[random.Next(pieces.Length)]));
            if (a is null) batch[0].AppendNull(); else batch[0].AppendText(a);
            batch[1].AppendText(r.ToString());
            expected.Add([a, r.ToString()]);
        }
        batch.RowCount = 300;
        foreach (char delimiter in new[] { ',', '\t' })
        {
            string path = _files.Write(delimiter == ',' ? "round.csv" : "round.tsv", Write(JsonLinesRowWriterTests.Schema("a", "id"), batch, delimiter));
            var back = Rows.ReadAll(path);
            Assert.Equal(["a", "id"], back.Columns);
            Assert.Equal(expected, back.Rows);
        }
    }

    [Fact]
    public void Write_rows_writes_only_the_asked_slice()
    {
        var batch = new ColumnBatch(1, capacity: 1);
        for (int i = 0; i < 10; i++)
            batch[0].AppendInt64(i);
        batch.RowCount = 10;
        var output = new MemoryStream();
        using (var writer = new CsvRowWriter(output, JsonLinesRowWriterTests.Schema("n"), leaveOpen: true))
        {
            writer.WriteRows(batch, 3, 4);
            Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteRows(batch, 8, 3));
        }
        Assert.Equal("n\n3\n4\n5\n6\n", Encoding.UTF8.GetString(output.ToArray()));
    }
}
