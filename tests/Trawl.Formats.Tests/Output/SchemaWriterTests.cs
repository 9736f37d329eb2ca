using System.Text;
using System.Text.Json;
using Trawl.Formats.Output;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;

namespace Trawl.Formats.Tests.Output;

public sealed class SchemaWriterTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Text_and_json_list_every_column_with_its_type()
    {
        using var reader = TableReaders.Open(_files.Write("s.csv", "id,caption\n1,x\n"));
        var text = new StringWriter();
        SchemaWriter.WriteText(text, reader);
        string[] lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("2 columns", lines[0]);
        Assert.Equal("  id       text", lines[1]);
        Assert.Equal("  caption  text", lines[2]);

        var json = new MemoryStream();
        SchemaWriter.WriteJson(json, reader);
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(json.ToArray()));
        var columns = doc.RootElement.GetProperty("columns");
        Assert.Equal(["id", "caption"], columns.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.All(columns.EnumerateArray(), c => Assert.Equal("text", c.GetProperty("type").GetString()));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("rows").ValueKind);
    }
}
