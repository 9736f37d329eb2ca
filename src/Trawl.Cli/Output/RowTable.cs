using Spectre.Console;

namespace Trawl.Cli.Output;

/// <summary>Renders rows as a readable terminal table, every value sanitised and cut to a width.</summary>
internal static class RowTable
{
    public static Table Build(IReadOnlyList<string> columns, IEnumerable<object?[]> rows, int maxCell)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (string c in columns)
            table.AddColumn(new TableColumn(new Text(CellText.Sanitize(c), new Style(decoration: Decoration.Bold))));
        foreach (object?[] row in rows)
        {
            var cells = new Spectre.Console.Rendering.IRenderable[columns.Count];
            for (int i = 0; i < columns.Count; i++)
            {
                object? v = i < row.Length ? row[i] : null;
                cells[i] = v is null
                    ? new Text("null", new Style(decoration: Decoration.Dim))
                    : new Text(CellText.Format(v, maxCell));
            }
            table.AddRow(cells);
        }
        return table;
    }
}
