using System.Text;
using Trawl.Formats.Json;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;

namespace Trawl.Formats.Tests.Json;

public sealed class JsonDocumentReaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private Rows.Table Read(string text, TableReaderOptions? options = null, int maxRows = 1000, string name = "t.json") =>
        Rows.ReadAll(_files.Write(name, text), options, maxRows);

    [Fact]
    public void Array_of_objects_reads_as_rows()
    {
        var t = Read("[\n  {\"a\": 1, \"b\": \"x\"},\n  {\"b\": null, \"c\": [1, 2]}\n]\n");
        Assert.Equal(["a", "b", "c"], t.Columns);
        Assert.Equal([1L, "x", null], t.Rows[0]);
        Assert.Equal([null, null, "[1,2]"], t.Rows[1]);
        Assert.Equal([2L, 3L], t.Lines);
    }

    [Fact]
    public void Json_path_finds_the_rows_array_inside_objects()
    {
        string doc = "{\"info\":{\"v\":1},\"images\":[{\"id\":1},{\"id\":2}],\"data\":{\"skip\":[[]],\"rows\":[{\"caption\":\"c1\",\"id\":7},{\"caption\":\"c2\"}]}}";
        var t = Read(doc, new TableReaderOptions { JsonPath = "data.rows" });
        Assert.Equal(["caption", "id"], t.Columns);
        Assert.Equal(["c1", 7L], t.Rows[0]);
        Assert.Equal(["c2", null], t.Rows[1]);
        var images = Read(doc, new TableReaderOptions { JsonPath = "images" }, name: "i.json");
        Assert.Equal([1L, 2L], images.Rows.Select(r => r[0]));
    }

    [Fact]
    public void Object_without_json_path_lists_the_keys_holding_arrays()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("{\"info\":{\"x\":[1]},\"images\":[{}],\"type\":\"t\",\"annotations\":[]}"));
        Assert.Contains("--json-path", e.Message);
        Assert.Contains("images, annotations", e.Message);
        Assert.DoesNotContain("info", e.Message);
    }

    [Fact]
    public void Missing_json_path_key_lists_the_keys_there()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("{\"a\":{\"b\":[]},\"c\":1}", new TableReaderOptions { JsonPath = "a.x" }));
        Assert.Contains("'a.x'", e.Message);
        Assert.Contains("b", e.Message);
        var notArray = Assert.Throws<DataFormatException>(() => Read("{\"a\":{\"b\":5}}", new TableReaderOptions { JsonPath = "a.b" }, name: "n.json"));
        Assert.Contains("a number", notArray.Message);
    }

    [Fact]
    public void Element_that_is_not_an_object_is_an_error()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("[{\"a\":1},\n 5]"));
        Assert.Equal(2, e.Line);
        Assert.Contains("a number", e.Message);
    }

    [Fact]
    public void Document_truncated_mid_array_is_an_error()
    {
        var text = new StringBuilder("{\"rows\":[");
        for (int i = 0; i < 200; i++)
            text.Append($"{{\"id\":{i},\"t\":\"text {i}\"}},\n");
        string whole = text.ToString();
        foreach (int cut in new[] { whole.Length - 2, whole.Length - 10, whole.Length / 2 })
        {
            var e = Assert.Throws<DataFormatException>(() => Read(whole[..cut], new TableReaderOptions { JsonPath = "rows" }, name: $"cut{cut}.json"));
            // The data ends on the cut's line; the error is there or on the row just before it.
            long lastLine = whole[..cut].Count(c => c == '\n') + 1;
            Assert.InRange(e.Line!.Value, lastLine - 1, lastLine);
        }
    }

    [Fact]
    public void Broken_json_inside_a_row_names_its_line()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("[\n{\"a\":1},\n{\"a\":2 \"b\":3}\n]"));
        Assert.Equal(3, e.Line);
        Assert.NotNull(e.ByteOffset);
    }

    [Fact]
    public void Tiny_window_reads_the_same_rows_as_a_big_one()
    {
        var text = new StringBuilder("{\"meta\":{\"n\":\"x\"},\"skip\":[1,2,{\"deep\":[3]}],\"rows\":[\n");
        for (int i = 0; i < 60; i++)
            text.Append(i > 0 ? ",\n" : "").Append($"  {{\"id\": {i}, \"text\": \"row {i} \\\"q\\\" é\", \"nested\": {{\"k\": [{i}, {{\"z\": null}}]}}}}");
        text.Append("\n]}");
        string path = _files.Write("w.json", text.ToString());
        var options = new TableReaderOptions { JsonPath = "rows", Flatten = true };
        using var big = JsonDocumentReader.Open(path, options, 64 << 10);
        var expected = Rows.ReadAll(big, 7);
        Assert.Equal(60, expected.Rows.Count);
        Assert.Equal(["id", "text", "nested_k"], expected.Columns);
        foreach (int size in new[] { 4, 9, 50 })
        {
            using var small = JsonDocumentReader.Open(path, options, size);
            var actual = Rows.ReadAll(small, 5);
            Assert.Equal(expected.Rows, actual.Rows);
            Assert.Equal(expected.Lines, actual.Lines);
        }
    }

    [Fact]
    public void Row_larger_than_the_limit_is_refused()
    {
        string text = "[{\"a\":1},{\"a\":\"" + new string('x', 5000) + "\"}]";
        var e = Assert.Throws<DataFormatException>(() => Read(text, new TableReaderOptions { MaxRecordBytes = 1000 }));
        Assert.Contains("limit", e.Message);
    }

    [Fact]
    public void Empty_and_scalar_documents_are_errors()
    {
        string empty = Assert.Throws<DataFormatException>(() => Read("  ")).Message;
        Assert.True(empty.Contains("empty"), empty);
        string scalar = Assert.Throws<DataFormatException>(() => Read("42", name: "s.json")).Message;
        Assert.True(scalar.Contains("array of objects"), scalar);
        Assert.Empty(Read("[]", name: "e.json").Rows);
    }
}
