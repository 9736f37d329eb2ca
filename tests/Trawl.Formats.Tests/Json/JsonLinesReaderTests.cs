using System.Text;
using Trawl.Formats.Json;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;

namespace Trawl.Formats.Tests.Json;

public sealed class JsonLinesReaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private Rows.Table Read(string text, TableReaderOptions? options = null, int maxRows = 1000, string name = "t.jsonl") =>
        Rows.ReadAll(_files.Write(name, text), options, maxRows);

    [Fact]
    public void Values_get_their_kinds()
    {
        var t = Read("{\"i\":42,\"big\":12345678901234567890,\"d\":1.5,\"e\":1e3,\"s\":\"hé \\\"q\\\" \\u00e9\",\"t\":true,\"f\":false,\"n\":null,\"o\":{\"a\": [1, 2]},\"a\":[ 1, \"x y\" ]}\n");
        Assert.Equal(["i", "big", "d", "e", "s", "t", "f", "n", "o", "a"], t.Columns);
        var row = t.Rows.Single();
        Assert.Equal(42L, row[0]);
        Assert.Equal(12345678901234567890d, row[1]);
        Assert.Equal(1.5, row[2]);
        Assert.Equal(1000d, row[3]);
        Assert.Equal("hé \"q\" é", row[4]);
        Assert.Equal(true, row[5]);
        Assert.Equal(false, row[6]);
        Assert.Null(row[7]);
        Assert.Equal("{\"a\":[1,2]}", row[8]);
        Assert.Equal("[1,\"x y\"]", row[9]);
    }

    [Fact]
    public void Value_kinds_are_reported_per_cell()
    {
        string path = _files.Write("k.jsonl", "{\"v\":1}\n{\"v\":\"x\"}\n{\"v\":[1]}\n{\"v\":2.5}\n{}\n");
        using var reader = JsonLinesReader.Open(path);
        Assert.Equal(ColumnType.Any, reader.Schema.Columns.Single().Type);
        var batch = new ColumnBatch(1);
        Assert.True(reader.ReadBatch(batch, 10));
        Assert.Equal([ValueKind.Int64, ValueKind.Text, ValueKind.Json, ValueKind.Double, ValueKind.Null],
            Enumerable.Range(0, 5).Select(r => batch[0].KindAt(r)));
    }

    [Fact]
    public void Keys_from_every_line_make_the_schema_in_first_seen_order()
    {
        var t = Read("{\"a\":1}\n{\"b\":2,\"a\":3}\n\n   \n{\"c\":4}\r\n");
        Assert.Equal(["a", "b", "c"], t.Columns);
        Assert.Equal([1L, null, null], t.Rows[0]);
        Assert.Equal([3L, 2L, null], t.Rows[1]);
        Assert.Equal([null, null, 4L], t.Rows[2]);
        Assert.Equal([1L, 2L, 5L], t.Lines);
    }

    [Fact]
    public void Flatten_turns_nested_objects_into_parent_child_columns()
    {
        string text = "{\"text\":\"x\",\"meta\":{\"url\":\"u\",\"stats\":{\"n\":3},\"tags\":[\"a\"]}}\n{\"meta\":\"plain\"}\n";
        var flat = Read(text, new TableReaderOptions { Flatten = true });
        Assert.Equal(["text", "meta_url", "meta_stats_n", "meta_tags", "meta"], flat.Columns);
        Assert.Equal(["x", "u", 3L, "[\"a\"]", null], flat.Rows[0]);
        Assert.Equal([null, null, null, null, "plain"], flat.Rows[1]);

        var nested = Read(text, name: "n.jsonl");
        Assert.Equal(["text", "meta"], nested.Columns);
        Assert.Equal("{\"url\":\"u\",\"stats\":{\"n\":3},\"tags\":[\"a\"]}", nested.Rows[0][1]);
    }

    [Fact]
    public void Keys_differing_only_in_case_get_unique_column_names()
    {
        var t = Read("{\"Name\":1,\"name\":2}\n");
        Assert.Equal(["Name", "name_2"], t.Columns);
        Assert.Equal([1L, 2L], t.Rows.Single());
    }

    [Fact]
    public void Escaped_keys_are_unescaped()
    {
        var t = Read("{\"caf\\u00e9\":1}\n{\"café\":2}\n");
        Assert.Equal(["café"], t.Columns);
        Assert.Equal([1L, 2L], t.Rows.Select(r => r[0]));
    }

    [Fact]
    public void Projection_picks_columns_and_unknown_names_list_the_columns()
    {
        var t = Read("{\"a\":1,\"b\":{\"c\":2},\"d\":3}\n", new TableReaderOptions { Columns = ["d", "b_c"], Flatten = true });
        Assert.Equal(["d", "b_c"], t.Columns);
        Assert.Equal([3L, 2L], t.Rows.Single());
        var e = Assert.Throws<DataFormatException>(() => Read("{\"a\":1}\n", new TableReaderOptions { Columns = ["x"] }, name: "p.jsonl"));
        Assert.Contains("columns are: a", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Batches_and_tiny_windows_give_the_same_rows(int maxRows)
    {
        var text = new StringBuilder();
        for (int i = 0; i < 30; i++)
            text.Append($"{{\"id\":{i},\"text\":\"row {i} ünïcode \\n\",\"meta\":{{\"k\":{i % 4}}}}}\n");
        string path = _files.Write("b.jsonl", text.ToString());
        var options = new TableReaderOptions { Flatten = true };
        using var big = JsonLinesReader.Open(path, options, 64 << 10);
        var expected = Rows.ReadAll(big);
        using var small = JsonLinesReader.Open(path, options, 5);
        var actual = Rows.ReadAll(small, maxRows);
        Assert.Equal(30, expected.Rows.Count);
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Lines, actual.Lines);
    }

    [Fact]
    public void Broken_line_names_line_and_byte_offset()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("{\"a\":1}\n{\"a\":2,}\n{\"a\":3}\n"));
        Assert.Equal(2, e.Line);
        Assert.InRange(e.ByteOffset!.Value, 8, 16);
        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void Line_that_is_not_an_object_is_an_error()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("{\"a\":1}\n[1,2]\n"));
        Assert.Equal(2, e.Line);
        Assert.Contains("array", e.Message);
    }

    [Fact]
    public void Two_values_on_one_line_is_an_error()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("{\"a\":1} {\"a\":2}\n"));
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void Duplicate_key_in_a_row_is_an_error_naming_it()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("{\"a\":1}\n{\"a\":2,\"a\":3}\n"));
        Assert.Equal(2, e.Line);
        Assert.Equal("a", e.Column);
    }

    [Fact]
    public void Truncated_last_line_is_an_error()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("{\"a\":1}\n{\"a\":\"unfinish"));
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void Invalid_utf8_in_a_string_is_an_error()
    {
        byte[] bytes = [.. "{\"a\":\"ok\"}\n{\"a\":\"b"u8, 0xFF, .. "d\"}\n"u8];
        var e = Assert.Throws<DataFormatException>(() => Rows.ReadAll(_files.Write("u.jsonl", bytes)));
        Assert.Equal(2, e.Line);
        Assert.Equal(18, e.ByteOffset);
    }

    [Fact]
    public void Line_longer_than_the_limit_is_refused()
    {
        string text = "{\"a\":\"" + new string('x', 3000) + "\"}\n";
        var e = Assert.Throws<DataFormatException>(() => Read(text, new TableReaderOptions { MaxRecordBytes = 1000 }));
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void Empty_file_has_no_columns_and_no_rows()
    {
        var t = Read("\n\n");
        Assert.Empty(t.Columns);
        Assert.Empty(t.Rows);
    }

    [Fact]
    public void Lone_surrogate_escapes_become_replacement_characters()
    {
        var t = Read("{\"t\":\"a\\udc80b \\ud83d\\ude00 \\n\\u00e9\\\"\",\"k\\ud800\":1}\n");
        Assert.Equal(["t", "k\uFFFD"], t.Columns);
        Assert.Equal("a\uFFFDb \U0001F600 \né\"", t.Rows.Single()[0]);
    }
}
