using System.Globalization;
using System.Text.Json;
using Trawl.Store.Contracts;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Store.Related;

/// <summary>
/// Foreign keys read through the contracts, so every backend gets them: the rows (and labels) a page's key values
/// point at (Datasette's label expansion, <c>_labels</c>), and the rows of other tables that point at one row
/// (Datasette's "links from other tables"). Both are ordinary filtered queries (<c>in</c> and <c>exact</c>), which
/// the column files answer without an index on the key column.
/// </summary>
public static class KeyLinks
{
    /// <summary>Most distinct values resolved at once (a page holds at most 1,000 rows).</summary>
    public const int MaxValues = 1000;

    /// <summary>The foreign keys whose column is in <paramref name="table"/>.</summary>
    public static IReadOnlyList<ForeignKey> From(ITableSource source, string table) =>
        source.ForeignKeys().Where(k => k.Table.Equals(table, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>For each distinct non-null value among <paramref name="values"/>, the first row (by position) of the
    /// key's other table holding it, with its label. Values without a row are left out; a key whose other table or
    /// column does not exist resolves nothing.</summary>
    /// <param name="labelColumn">The other table's label column from the site's metadata, tried before the key's own
    /// and Datasette's guess (<see cref="LabelColumns"/>).</param>
    public static IReadOnlyDictionary<string, KeyTarget> Resolve(ITableSource source, ForeignKey key, IEnumerable<object?> values,
        string? labelColumn = null, TimeSpan? timeLimit = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(key);
        var found = new Dictionary<string, KeyTarget>(StringComparer.Ordinal);
        var other = source.ListTables().FirstOrDefault(t => t.Name.Equals(key.OtherTable, StringComparison.OrdinalIgnoreCase));
        if (other is null)
            return found;
        string? otherColumn = key.OtherColumn.Equals("rowid", StringComparison.OrdinalIgnoreCase) ? "rowid" : other.FindColumn(key.OtherColumn)?.Name;
        if (otherColumn is null)
            return found;
        var wanted = new List<object>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            if (v is null or byte[] || wanted.Count >= MaxValues)
                continue;
            if (seen.Add(Text(v)))
                wanted.Add(v);
        }
        if (wanted.Count == 0)
            return found;
        string? label = LabelColumns.For(other, labelColumn ?? key.LabelColumn);
        var page = source.QueryRows(new TableQuery
        {
            Table = other.Name,
            Filters = [new ColumnFilter(otherColumn, FilterOp.In, JsonSerializer.Serialize(wanted.Select(Text)))],
            // Room for a few repeated keys; the first row of each value wins.
            Size = Math.Min(MaxValues, wanted.Count * 2),
            TimeLimit = timeLimit,
        }, count: false);
        int rowidAt = IndexOf(page.Columns, "rowid"), keyAt = IndexOf(page.Columns, otherColumn), labelAt = label is null ? -1 : IndexOf(page.Columns, label);
        if (rowidAt < 0 || keyAt < 0)
            return found;
        foreach (var row in page.Rows.OrderBy(r => r[rowidAt] is long id ? id : long.MaxValue))
        {
            if (row[keyAt] is null || row[rowidAt] is not long rowid)
                continue;
            string k = Text(row[keyAt]!);
            if (seen.Contains(k) && !found.ContainsKey(k))
                found[k] = new KeyTarget(rowid, labelAt >= 0 && row[labelAt] is { } l and not byte[] ? Text(l) : null);
        }
        return found;
    }

    /// <summary>The rows of other tables pointing at this row, one entry per foreign key that targets
    /// <paramref name="table"/> (a NULL key value counts nothing and is left out).</summary>
    /// <param name="columns">The row's columns (as <see cref="ITableSource.GetRow"/> gives them).</param>
    public static IReadOnlyList<IncomingLink> To(ITableSource source, string table, IReadOnlyList<string> columns, object?[] values,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var links = new List<IncomingLink>();
        var tables = source.ListTables();
        foreach (var key in source.ForeignKeys().Where(k => k.OtherTable.Equals(table, StringComparison.OrdinalIgnoreCase)))
        {
            int at = IndexOf(columns, key.OtherColumn);
            if (at < 0 || at >= values.Length || values[at] is null or byte[])
                continue;
            var from = tables.FirstOrDefault(t => t.Name.Equals(key.Table, StringComparison.OrdinalIgnoreCase));
            if (from?.FindColumn(key.Column) is null)
                continue;
            object value = values[at]!;
            long? count;
            try
            {
                count = source.CountRows(new TableQuery { Table = from.Name, Filters = [new ColumnFilter(key.Column, FilterOp.Exact, Text(value))] }, cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                count = null;
            }
            links.Add(new IncomingLink(key, value, count));
        }
        return links;
    }

    /// <summary>A key value as the text filters take and dictionaries are keyed by (3 and "3" are the same key).</summary>
    public static string Text(object value) => value switch
    {
        string s => s,
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => ((long)d).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            if (columns[i].Equals(name, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return -1;
    }
}
