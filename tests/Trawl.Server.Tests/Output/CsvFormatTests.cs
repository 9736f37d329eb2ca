using System.Text;
using Trawl.Server.Endpoints;
using Trawl.Server.Output;

namespace Trawl.Server.Tests.Output;

public sealed class CsvFormatTests
{
    private static string Row(params object?[] values)
    {
        var sb = new StringBuilder();
        CsvFormat.AppendRow(sb, values);
        return sb.ToString();
    }

    [Fact]
    public void Plain_fields_are_bare_and_lines_end_in_crlf() =>
        Assert.Equal("a,1,0.5,\r\n", Row("a", 1L, 0.5, null));

    [Fact]
    public void Fields_with_commas_quotes_and_newlines_are_quoted_rfc4180() =>
        Assert.Equal("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"\r\n", Row("a,b", "say \"hi\"", "two\nlines", "cr\r"));

    [Fact]
    public void Blobs_are_base64() => Assert.Equal("AQID\r\n", Row(new byte[] { 1, 2, 3 }));

    [Fact]
    public void Download_file_names_keep_only_safe_characters() =>
        Assert.Equal("a_b_.._x", Exports.SafeFileName("a\"b/../x"));
}
