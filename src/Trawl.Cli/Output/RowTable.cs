using Spectre.Console;
using Spectre.Console.Rendering;

namespace Trawl.Cli.Output;

/// <summary>Renders rows as a readable terminal table, every value sanitised and cut to a width.</summary>
internal static class RowTable
{
    /// <summary>All columns, each value cut to <paramref name="maxCell"/> characters.</summary>
    public static Table Build(IReadOnlyList<string> columns, IEnumerable<object?[]> rows, int maxCell) =>
        Build(columns, rows, Enumerable.Range(0, columns.Count).Select(i => new DisplayColumns.Shown(i, maxCell)).ToList());

    /// <summary>Only the <paramref name="shown"/> columns, each with its own width cap.</summary>
    public static Table Build(IReadOnlyList<string> columns, IEnumerable<object?[]> rows, IReadOnlyList<DisplayColumns.Shown> shown)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (DisplayColumns.Shown s in shown)
            table.AddColumn(new TableColumn(new Text(CellText.Sanitize(columns[s.Index]), new Style(decoration: Decoration.Bold))));
        foreach (object?[] row in rows)
        {
            var cells = new IRenderable[shown.Count];
            for (int j = 0; j < shown.Count; j++)
            {
                int i = shown[j].Index;
                object? v = i < row.Length ? row[i] : null;
                cells[j] = v is null
                    ? new Text("null", new Style(decoration: Decoration.Dim))
                    : new Text(CellText.Format(v, shown[j].MaxWidth));
            }
            table.AddRow(cells);
        }
        return table;
    }
}
