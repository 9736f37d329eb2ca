using System.Text;
using Trawl.Cli.Output;

namespace Trawl.Cli.Tests;

public sealed class OutputTests
{
    [Fact]
    public void Cell_text_replaces_escape_sequences_and_line_breaks()
    {
        string text = CellText.Format("red\u001b[31m\nline\u009b2\ttab", 100);
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u009b', text);
        Assert.DoesNotContain('\n', text);
        Assert.Contains("line", text);
    }

    [Fact]
    public void Cell_text_cuts_long_values_with_an_ellipsis_without_splitting_surrogates()
    {
        Assert.Equal("abcd…", CellText.Format("abcdefgh", 5));
        Assert.Equal("abc", CellText.Format("abc", 5));
        string emoji = "ab\U0001F600cd";
        string cut = CellText.Truncate(emoji, 4);
        Assert.False(char.IsHighSurrogate(cut[^2]) && cut[^1] == '…');
    }

    [Fact]
    public void Cell_text_formats_numbers_invariantly()
    {
        Assert.Equal("0.25", CellText.Format(0.25, 10));
        Assert.Equal("1234567", CellText.Format(1234567L, 10));
        Assert.Equal("<3 bytes>", CellText.Format(new byte[3], 10));
        Assert.Equal("", CellText.Format(null, 10));
    }

    [Theory]
    [InlineData(10, 10, 8, 8)]
    [InlineData(5, 10, 8, 4)]
    [InlineData(1, 1000, 8, 1)]
    [InlineData(0, 10, 8, 0)]
    public void Bars_are_proportional_to_the_largest_value(long value, long max, int width, int fullCells)
    {
        string bar = TextBar.Bar(value, max, width);
        Assert.Equal(fullCells, bar.Length);
        Assert.True(bar.Length <= width);
    }

    [Fact]
    public void Csv_output_quotes_fields_that_need_it()
    {
        var w = new StringWriter();
        var csv = new CsvOutput(w);
        csv.WriteHeader(["a", "b,c"]);
        csv.WriteRow(["x\"y", null, 1.5, 2L, "line\nbreak"]);
        Assert.Equal("a,\"b,c\"\r\n\"x\"\"y\",,1.5,2,\"line\nbreak\"\r\n", w.ToString());
    }

    [Fact]
    public void Text_writer_stream_keeps_characters_split_across_writes()
    {
        var w = new StringWriter();
        using var stream = new TextWriterStream(w);
        byte[] bytes = Encoding.UTF8.GetBytes("東京 café");
        for (int i = 0; i < bytes.Length; i++)
            stream.Write(bytes, i, 1);
        stream.Flush();
        Assert.Equal("東京 café", w.ToString());
    }

    [Fact]
    public void Json_output_writes_values_by_the_store_rule_and_keeps_non_ascii()
    {
        var w = new StringWriter();
        new JsonOutput(w).WriteLine(j => JsonOutput.WriteRowObject(j, ["a", "b", "c", "d"], [double.PositiveInfinity, "Zürich", null, new byte[] { 1, 2 }]));
        Assert.Equal("{\"a\":\"Infinity\",\"b\":\"Zürich\",\"c\":null,\"d\":{\"$base64\":true,\"encoded\":\"AQI=\"}}\n", w.ToString());
    }
}
