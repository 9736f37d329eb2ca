using Trawl.Store.Datasets;

namespace Trawl.Store.Related;

/// <summary>Which column names a row when another table links to it: Datasette's rule, so a dataset labels the same
/// way in both. A configured label column wins; then a column called <c>name</c> or <c>title</c>; then, in a
/// table of two columns one of which is <c>id</c> or <c>pk</c>, the other one.</summary>
public static class LabelColumns
{
    /// <summary>The label column of <paramref name="table"/> (its stored spelling), or null when none fits.</summary>
    /// <param name="configured">A label column from the key or the site's metadata, tried first; ignored when the
    /// table has no such column.</param>
    public static string? For(TableInfo table, string? configured = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (configured is not null && table.FindColumn(configured) is { } chosen)
            return chosen.Name;
        var named = table.Columns.FirstOrDefault(c => c.Name.Equals("name", StringComparison.OrdinalIgnoreCase) || c.Name.Equals("title", StringComparison.OrdinalIgnoreCase));
        if (named is not null)
            return named.Name;
        if (table.Columns.Count == 2)
        {
            bool IsKey(ColumnInfo c) => c.Name.Equals("id", StringComparison.OrdinalIgnoreCase) || c.Name.Equals("pk", StringComparison.OrdinalIgnoreCase);
            if (table.Columns.Count(IsKey) == 1)
                return table.Columns.First(c => !IsKey(c)).Name;
        }
        return null;
    }
}
