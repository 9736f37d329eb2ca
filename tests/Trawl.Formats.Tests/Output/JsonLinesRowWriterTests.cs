using System.Text;
using System.Text.Json;
using Trawl.Formats.Output;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Tests.Output;

public sealed class JsonLinesRowWriterTests
{
    internal static TableSchema Schema(params string[] names) => new(names.Select(n => new ColumnSchema(n, ColumnType.Any)));

    private static string Write(TableSchema schema, params ColumnBatch[] batches)
    {
        var output = new MemoryStream();
        using (var writer = new JsonLinesRowWriter(output, schema, leaveOpen: true))
        {
            foreach (var batch in batches)
                writer.WriteBatch(batch);
        }
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Fact]
    public void Every_kind_is_written_as_json()
    {
        var batch = new ColumnBatch(8, capacity: 1);
        batch[0].AppendNull();
        batch[1].AppendBoolean(true);
        batch[2].AppendInt64(long.MinValue);
        batch[3].AppendDouble(0.1);
        batch[4].AppendText("héllo \"q\" \n 日本");
        batch[5].AppendBinary([0, 1, 2, 255]);
        batch[6].AppendJson("{\"a\":[1,2]}"u8);
        batch[7].AppendJson("not json"u8);
        batch.RowCount = 1;
        string text = Write(Schema("n", "b", "i", "d", "t", "bin", "j", "bad \"name\""), batch);
        Assert.EndsWith("\n", text);
        Assert.Contains("héllo", text); // non-ASCII is not escaped
        using var doc = JsonDocument.Parse(text);
        var row = doc.RootElement;
        Assert.Equal(JsonValueKind.Null, row.GetProperty("n").ValueKind);
        Assert.True(row.GetProperty("b").GetBoolean());
        Assert.Equal(long.MinValue, row.GetProperty("i").GetInt64());
        Assert.Equal(0.1, row.GetProperty("d").GetDouble());
        Assert.Equal("héllo \"q\" \n 日本", row.GetProperty("t").GetString());
        Assert.Equal([0, 1, 2, 255], row.GetProperty("bin").GetBytesFromBase64());
        Assert.Equal(2, row.GetProperty("j").GetProperty("a")[1].GetInt32());
        Assert.Equal("not json", row.GetProperty("bad \"name\"").GetString());
    }

    [Fact]
    public void Nan_and_infinities_are_strings()
    {
        var batch = new ColumnBatch(1, capacity: 1);
        batch[0].AppendDouble(double.NaN);
        batch[0].AppendDouble(double.PositiveInfinity);
        batch[0].AppendDouble(double.NegativeInfinity);
        batch[0].AppendDouble(-0.5e-300);
        batch.RowCount = 4;
        string[] lines = Write(Schema("d"), batch).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["{\"d\":\"NaN\"}", "{\"d\":\"Infinity\"}", "{\"d\":\"-Infinity\"}"], lines[..3]);
        Assert.Equal(-0.5e-300, JsonDocument.Parse(lines[3]).RootElement.GetProperty("d").GetDouble());
    }

    [Fact]
    public void Many_batches_write_one_line_per_row()
    {
        var batches = new List<ColumnBatch>();
        for (int b = 0; b < 30; b++)
        {
            var batch = new ColumnBatch(2);
            for (int r = 0; r < 100; r++)
            {
                batch[0].AppendInt64(b * 100 + r);
                batch[1].AppendText(new string('x', r));
            }
            batch.RowCount = 100;
            batches.Add(batch);
        }
        string[] lines = Write(Schema("id", "text"), [.. batches]).Split('\n');
        Assert.Equal(3001, lines.Length);
        Assert.Equal("", lines[^1]);
        for (int i = 0; i < 3000; i++)
            Assert.Equal(i, JsonDocument.Parse(lines[i]).RootElement.GetProperty("id").GetInt64());
    }
}
