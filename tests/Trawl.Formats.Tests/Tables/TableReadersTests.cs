using Trawl.Formats.Csv;
using Trawl.Formats.Json;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;

namespace Trawl.Formats.Tests.Tables;

public sealed class TableReadersTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("x.csv", "a,b\n1,2\n", typeof(CsvReader))]
    [InlineData("x.tsv", "a\tb\n1\t2\n", typeof(CsvReader))]
    [InlineData("x.tab", "a\tb\n1\t2\n", typeof(CsvReader))]
    [InlineData("x.jsonl", "{\"a\":1,\"b\":2}\n", typeof(JsonLinesReader))]
    [InlineData("x.ndjson", "{\"a\":1,\"b\":2}\n", typeof(JsonLinesReader))]
    [InlineData("x.json", "[{\"a\":1,\"b\":2}]", typeof(JsonDocumentReader))]
    public void Open_picks_the_reader_from_the_extension(string name, string text, Type expected)
    {
        using var reader = TableReaders.Open(_files.Write(name, text));
        Assert.IsType(expected, reader);
        Assert.Equal(["a", "b"], reader.Schema.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Format_option_overrides_the_extension()
    {
        using var reader = TableReaders.Open(_files.Write("data.txt", "a\tb\n1\t2\n"), new TableReaderOptions { Format = "TSV" });
        Assert.Equal(2, reader.Schema.Count);
    }

    [Fact]
    public void Missing_file_is_file_not_found()
    {
        var e = Assert.Throws<FileNotFoundException>(() => TableReaders.Open(Path.Combine(_files.Folder, "nope.csv")));
        Assert.Contains("nope.csv", e.Message);
    }

    [Fact]
    public void Unknown_extension_asks_for_a_format()
    {
        var e = Assert.Throws<DataFormatException>(() => TableReaders.Open(_files.Write("data.xyz", "a\n")));
        Assert.Contains("--format", e.Message);
        var unsupported = Assert.Throws<DataFormatException>(() => TableReaders.Open(_files.Write("data.csv", "a\n"), new TableReaderOptions { Format = "xml" }));
        Assert.Contains("'xml'", unsupported.Message);
    }

    [Fact]
    public void Projection_asking_a_column_twice_is_an_error()
    {
        var e = Assert.Throws<DataFormatException>(() => TableReaders.Open(_files.Write("d.csv", "a,b\n"), new TableReaderOptions { Columns = ["a", "A"] }));
        Assert.Contains("twice", e.Message);
    }

    [Fact]
    public void Json_file_holding_json_lines_is_read_as_json_lines()
    {
        using var reader = TableReaders.Open(_files.Write("lines.json", "{\"a\":1}\n{\"a\":2,\"b\":\"x\"}\n"));
        Assert.IsType<JsonLinesReader>(reader);
        Assert.Equal(2, Rows.ReadAll(reader).Rows.Count);
    }

    [Fact]
    public void Pretty_printed_json_document_is_not_taken_for_json_lines()
    {
        using var reader = TableReaders.Open(_files.Write("doc.json", "[\n{\"a\": 1},\n{\"a\": 2}\n]\n"));
        Assert.IsType<JsonDocumentReader>(reader);
        var e = Assert.Throws<DataFormatException>(() => TableReaders.Open(_files.Write("obj.json", "{\n  \"rows\": [{\"a\": 1}]\n}\n")));
        Assert.Contains("rows", e.Message);
    }
}
