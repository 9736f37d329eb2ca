using System.Text;
using Trawl.Formats.Csv;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;

namespace Trawl.Formats.Tests.Csv;

public sealed class CsvReaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private Rows.Table Read(string text, string name = "t.csv", TableReaderOptions? options = null, int maxRows = 1000) =>
        Rows.ReadAll(_files.Write(name, text), options, maxRows);

    [Fact]
    public void Reads_header_and_rows_as_text_columns()
    {
        var t = Read("a,b,c\n1,2,3\nx,y,z\n");
        Assert.Equal(["a", "b", "c"], t.Columns);
        Assert.Equal(2, t.Rows.Count);
        Assert.Equal(["1", "2", "3"], t.Rows[0]);
        Assert.Equal(["x", "y", "z"], t.Rows[1]);
        using var reader = CsvReader.OpenCsv(_files.Write("types.csv", "a,b\n1,2\n"));
        Assert.All(reader.Schema.Columns, c => Assert.Equal(ColumnType.Text, c.Type));
    }

    [Fact]
    public void Quoted_fields_hold_delimiters_doubled_quotes_and_newlines()
    {
        var t = Read("name,note\n\"Smith, J\",\"He said \"\"hi\"\"\"\n\"multi\nline\",\"a\r\nb\"\nlast,\"\"\"\"\n");
        Assert.Equal(3, t.Rows.Count);
        Assert.Equal(["Smith, J", "He said \"hi\""], t.Rows[0]);
        Assert.Equal(["multi\nline", "a\r\nb"], t.Rows[1]);
        Assert.Equal(["last", "\""], t.Rows[2]);
    }

    [Fact]
    public void Empty_unquoted_field_is_null_and_quoted_empty_field_is_empty_string()
    {
        var t = Read("a,b,c\n,\"\",x\n\"\",,\n");
        Assert.Equal([null, "", "x"], t.Rows[0]);
        Assert.Equal(["", null, null], t.Rows[1]);
    }

    [Fact]
    public void Crlf_line_ends_are_not_part_of_the_last_field()
    {
        var t = Read("a,b\r\n1,2\r\n\"q\",\"r\"\r\n3,\r\n");
        Assert.Equal(["a", "b"], t.Columns);
        Assert.Equal(["1", "2"], t.Rows[0]);
        Assert.Equal(["q", "r"], t.Rows[1]);
        Assert.Equal(["3", null], t.Rows[2]);
    }

    [Fact]
    public void Last_line_without_line_end_is_read()
    {
        Assert.Equal(["1", "2"], Read("a,b\n1,2").Rows.Single());
        Assert.Equal(["1", "x"], Read("a,b\n1,\"x\"").Rows.Single());
        Assert.Equal(["1", "2"], Read("a,b\r\n1,2\r").Rows.Single());
    }

    [Fact]
    public void Utf8_bom_is_skipped()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("id,név\n1,Zoë\n")];
        var t = Rows.ReadAll(_files.Write("bom.csv", bytes));
        Assert.Equal(["id", "név"], t.Columns);
        Assert.Equal(["1", "Zoë"], t.Rows.Single());
    }

    [Fact]
    public void Duplicate_and_empty_header_names_are_made_unique()
    {
        var t = Read("col,col,,Col,col_2\n1,2,3,4,5\n");
        Assert.Equal(["col", "col_2", "column_3", "Col_3", "col_2_2"], t.Columns);
    }

    [Fact]
    public void Blank_lines_are_skipped_and_line_numbers_count_them()
    {
        var t = Read("a,b\n1,2\n\n3,4\r\n\r\n\"x\ny\",5\n6,7\n\n");
        Assert.Equal(4, t.Rows.Count);
        Assert.Equal([2L, 4L, 6L, 8L], t.Lines);
    }

    [Fact]
    public void Tsv_uses_tabs_and_handles_quotes_at_field_start()
    {
        var t = Read("a\tb\tc\n1\t\"x\ty\"\tsay \"hi\"\n\t\"\"\tz\n", "t.tsv");
        Assert.Equal(["a", "b", "c"], t.Columns);
        Assert.Equal(["1", "x\ty", "say \"hi\""], t.Rows[0]);
        Assert.Equal([null, "", "z"], t.Rows[1]);
    }

    [Fact]
    public void Quote_inside_an_unquoted_field_is_text()
    {
        var t = Read("a,b\n5\" disk,12\"\n");
        Assert.Equal(["5\" disk", "12\""], t.Rows.Single());
    }

    [Fact]
    public void Header_only_file_has_columns_and_no_rows()
    {
        var t = Read("a,b\n");
        Assert.Equal(["a", "b"], t.Columns);
        Assert.Empty(t.Rows);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Batches_of_any_size_give_the_same_rows_and_first_rows(int maxRows)
    {
        var text = new StringBuilder("id,text\n");
        for (int i = 0; i < 23; i++)
            text.Append(i).Append(",\"row ").Append(i).Append(i % 3 == 0 ? "\n(two lines)" : "").Append("\"\n");
        var all = Read(text.ToString(), maxRows: 1000);
        var small = Read(text.ToString(), "small.csv", maxRows: maxRows);
        Assert.Equal(23, all.Rows.Count);
        Assert.Equal(all.Rows, small.Rows);
        Assert.Equal(all.Lines, small.Lines);
        Assert.Equal(Enumerable.Range(0, small.FirstRows.Count).Select(i => (long)i * maxRows), small.FirstRows);
    }

    [Fact]
    public void Projection_reads_only_the_named_columns_in_the_asked_order()
    {
        var t = Read("a,b,c\n1,2,3\n4,5,6\n", options: new TableReaderOptions { Columns = ["C", "a"] });
        Assert.Equal(["c", "a"], t.Columns);
        Assert.Equal(["3", "1"], t.Rows[0]);
        Assert.Equal(["6", "4"], t.Rows[1]);
    }

    [Fact]
    public void Unknown_projected_column_lists_the_columns()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("a,b\n1,2\n", options: new TableReaderOptions { Columns = ["zz"] }));
        Assert.Contains("'zz'", e.Message);
        Assert.Contains("a, b", e.Message);
    }

    [Fact]
    public void Ragged_row_with_too_many_fields_names_line_and_counts()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("a,b\n1,2\n3,4,5\n"));
        Assert.Equal(3, e.Line);
        Assert.Contains("3 fields", e.Message);
        Assert.Contains("header has 2", e.Message);
        Assert.Equal(8, e.ByteOffset);
    }

    [Fact]
    public void Ragged_row_with_too_few_fields_names_the_missing_column()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("a,b,c\n1,2,3\n\"x\ny\",2\n"));
        Assert.Equal(3, e.Line);
        Assert.Equal("c", e.Column);
        Assert.Contains("2 fields", e.Message);
    }

    [Fact]
    public void Unterminated_quote_at_end_of_file_is_an_error_naming_line_and_column()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("a,b\n1,2\n3,\"never closed\n4,5\n"));
        Assert.Equal(3, e.Line);
        Assert.Equal("b", e.Column);
        Assert.Contains("closing quote", e.Message);
        Assert.Equal(10, e.ByteOffset);
    }

    [Fact]
    public void Text_after_a_closing_quote_is_an_error()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("a,b\n1,\"x\"y\n"));
        Assert.Equal(2, e.Line);
        Assert.Equal("b", e.Column);
    }

    [Fact]
    public void Invalid_utf8_names_line_column_and_offset()
    {
        byte[] bytes = [.. "a,b\n1,ok\n2,b"u8, 0xFF, 0xFE, .. "ad\n"u8];
        var e = Assert.Throws<DataFormatException>(() => Rows.ReadAll(_files.Write("bad.csv", bytes)));
        Assert.Equal(3, e.Line);
        Assert.Equal("b", e.Column);
        Assert.Equal(12, e.ByteOffset);
        Assert.Contains("UTF-8", e.Message);
    }

    [Fact]
    public void Invalid_utf8_in_a_later_line_of_a_quoted_field_names_that_line()
    {
        byte[] bytes = [.. "a,b\n1,\"line\nnext "u8, 0xC3, .. "\"\n"u8];
        var e = Assert.Throws<DataFormatException>(() => Rows.ReadAll(_files.Write("bad.csv", bytes)));
        Assert.Equal(3, e.Line);
        Assert.Equal("b", e.Column);
    }

    [Fact]
    public void Record_larger_than_the_limit_is_refused()
    {
        string text = "a,b\n1," + new string('x', 5000) + "\n";
        var e = Assert.Throws<DataFormatException>(() => Read(text, options: new TableReaderOptions { MaxRecordBytes = 1000 }));
        Assert.Equal(2, e.Line);
        Assert.Contains("limit", e.Message);
        // The same record within the limit reads.
        Assert.Equal(5000, ((string)Read(text, "ok.csv").Rows[0][1]!).Length);
    }

    [Fact]
    public void Unbalanced_quote_in_a_big_file_stops_at_the_record_limit()
    {
        var text = new StringBuilder("a,b\n1,\"open\n");
        for (int i = 0; i < 2000; i++)
            text.Append(i).Append(",plain\n");
        var e = Assert.Throws<DataFormatException>(() => Read(text.ToString(), options: new TableReaderOptions { MaxRecordBytes = 4096 }));
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void Empty_file_is_an_error()
    {
        var e = Assert.Throws<DataFormatException>(() => Read(""));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void Batch_with_the_wrong_column_count_is_refused()
    {
        using var reader = CsvReader.OpenCsv(_files.Write("a.csv", "a,b\n1,2\n"));
        Assert.Throws<ArgumentException>(() => reader.ReadBatch(new ColumnBatch(3), 10));
    }

    [Fact]
    public void Bytes_read_reaches_the_file_size()
    {
        string path = _files.Write("p.csv", "a,b\n1,2\n3,4\n");
        using var reader = CsvReader.OpenCsv(path);
        Rows.ReadAll(reader);
        Assert.Equal(new FileInfo(path).Length, reader.BytesTotal);
        Assert.Equal(reader.BytesTotal, reader.BytesRead);
    }

    [Fact]
    public void Other_delimiters_work_and_bad_ones_are_refused()
    {
        using var reader = CsvReader.Open(_files.Write("semi.txt", "a;b\n\"x;y\";2\n"), null, ';');
        Assert.Equal(["x;y", "2"], Rows.ReadAll(reader).Rows.Single());
        Assert.Throws<ArgumentException>(() => CsvReader.Open(_files.Write("q.txt", "a\n"), null, '"'));
    }

    [Fact]
    public void Missing_file_is_file_not_found()
    {
        Assert.Throws<FileNotFoundException>(() => CsvReader.OpenCsv(Path.Combine(_files.Folder, "absent.csv")));
        Assert.Throws<FileNotFoundException>(() => CsvReader.OpenCsv(Path.Combine(_files.Folder, "no-dir", "absent.csv")));
    }
}
