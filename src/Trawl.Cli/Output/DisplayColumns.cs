using Trawl.Store.Datasets;

namespace Trawl.Cli.Output;

/// <summary>
/// Picks which columns of a result fit a terminal table: rowid, the searched text, URL-like
/// columns, then the rest in table order while they fit the width. Each column gets a width cap
/// by what it is (captions widest), so the caption stays readable on an 80-120 column screen.
/// </summary>
internal static class DisplayColumns
{
    public const int TextWidth = 60, UrlWidth = 44, OtherWidth = 24;
    private const int Border = 3;

    /// <summary>A column to show: its index in the result and the most characters of its values to print.</summary>
    public readonly record struct Shown(int Index, int MaxWidth);

    public static IReadOnlyList<Shown> Choose(TableInfo table, IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows, int screenWidth, IReadOnlyList<string>? wanted)
    {
        if (wanted is { Count: > 0 })
        {
            return wanted.Select(name =>
            {
                int i = IndexOf(columns, name);
                if (i < 0)
                    throw new Trawl.Store.UserErrorException($"--columns: table '{table.Name}' has no column '{name}' (columns: {string.Join(", ", columns)})");
                return new Shown(i, CapFor(table, columns[i]));
            }).ToList();
        }

        var order = Enumerable.Range(0, columns.Count)
            .OrderBy(i => Priority(table, columns[i]))
            .ThenBy(i => i)
            .ToList();
        var shown = new List<Shown>();
        int used = 1;
        foreach (int i in order)
        {
            int cap = CapFor(table, columns[i]);
            int width = Math.Min(cap, Math.Max(columns[i].Length, rows.Count == 0 ? 0 : rows.Max(r => Length(r, i))));
            // The first two columns always show, whatever the width.
            if (shown.Count >= 2 && used + width + Border > screenWidth)
                continue;
            shown.Add(new Shown(i, cap));
            used += width + Border;
        }
        // Show the chosen columns in the table's own order (rowid first).
        return shown.OrderBy(s => s.Index).ToList();
    }

    private static int Priority(TableInfo table, string column)
    {
        if (column.Equals("rowid", StringComparison.OrdinalIgnoreCase))
            return 0;
        if (table.SearchColumns.Contains(column, StringComparer.OrdinalIgnoreCase))
            return 1;
        ColumnInfo? info = table.FindColumn(column);
        if (info is not null && info.Role is ColumnRole.Caption)
            return 1;
        if (info is not null && info.Role is not ColumnRole.None)
            return 2;
        return 3;
    }

    private static int CapFor(TableInfo table, string column)
    {
        if (table.SearchColumns.Contains(column, StringComparer.OrdinalIgnoreCase))
            return TextWidth;
        return table.FindColumn(column)?.Role switch
        {
            ColumnRole.Caption => TextWidth,
            ColumnRole.Url or ColumnRole.Image or ColumnRole.Video or ColumnRole.YouTube => UrlWidth,
            _ => OtherWidth,
        };
    }

    private static int Length(object?[] row, int i) => i < row.Length ? CellText.Format(row[i], TextWidth).Length : 0;

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return -1;
    }
}
