using Trawl.Cli.Output;
using Trawl.Store;
using Trawl.Store.Datasets;

namespace Trawl.Cli.Tests;

public sealed class DisplayColumnsTests
{
    private static readonly TableInfo Table = new(
        "t", 1,
        [
            new ColumnInfo("a", SqlType.Text, ColumnRole.None), new ColumnInfo("b", SqlType.Text, ColumnRole.None),
            new ColumnInfo("url", SqlType.Text, ColumnRole.Image), new ColumnInfo("caption", SqlType.Text, ColumnRole.Caption),
        ],
        ["caption"], "t_fts", null);

    private static readonly string[] Columns = ["rowid", "a", "b", "url", "caption"];

    private static readonly object?[][] Rows = [[1L, new string('x', 30), new string('y', 30), "https://example.com/" + new string('z', 60), new string('c', 80)]];

    [Fact]
    public void Narrow_screens_keep_rowid_the_caption_and_the_url()
    {
        var shown = DisplayColumns.Choose(Table, Columns, Rows, 120, null).Select(s => Columns[s.Index]).ToList();
        Assert.Equal(["rowid", "url", "caption"], shown);
    }

    [Fact]
    public void Wide_screens_show_every_column_in_table_order()
    {
        var shown = DisplayColumns.Choose(Table, Columns, Rows, 400, null).Select(s => Columns[s.Index]).ToList();
        Assert.Equal(Columns, shown);
    }

    [Fact]
    public void Chosen_columns_come_in_the_order_asked()
    {
        var shown = DisplayColumns.Choose(Table, Columns, Rows, 40, ["b", "ROWID"]).Select(s => Columns[s.Index]).ToList();
        Assert.Equal(["b", "rowid"], shown);
        Assert.Throws<UserErrorException>(() => DisplayColumns.Choose(Table, Columns, Rows, 40, ["nope"]));
    }
}
