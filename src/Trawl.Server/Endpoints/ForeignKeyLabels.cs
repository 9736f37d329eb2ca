using Microsoft.Extensions.Logging;
using Trawl.Server.Hosting;
using Trawl.Server.Views;
using Trawl.Store;
using Trawl.Store.Contracts;
using Trawl.Store.Related;

namespace Trawl.Server.Endpoints;

/// <summary>The foreign-key columns of a page resolved to the rows they point at (Datasette's label expansion),
/// the label column taken from the site's metadata first.</summary>
internal static class ForeignKeyLabels
{
    /// <param name="wanted">Which of the page's foreign keys to resolve.</param>
    public static IReadOnlyList<LinkedColumn> Resolve(ServerState state, IDatasetSource dataset, string table, IReadOnlyList<string> columns,
        IReadOnlyList<object?[]> rows, Func<ForeignKey, bool> wanted, TimeSpan timeLimit)
    {
        var linked = new List<LinkedColumn>();
        foreach (var key in KeyLinks.From(dataset, table))
        {
            int at = IndexOf(columns, key.Column);
            if (at < 0 || !wanted(key))
                continue;
            try
            {
                string? label = state.Options.Metadata.Table(dataset.Name, key.OtherTable)?.LabelColumn;
                linked.Add(new LinkedColumn(key with { Column = columns[at] }, KeyLinks.Resolve(dataset, key, rows.Select(r => at < r.Length ? r[at] : null), label, timeLimit)));
            }
            catch (UserErrorException e)
            {
                // Labels are a convenience: a key whose lookup fails (or runs out of time: SqlTimeoutException is one) shows its bare values.
                state.Logger.LogWarning("labels for {Table}.{Column} → {Other}: {Message}", table, key.Column, key.OtherTable, e.Message);
            }
        }
        return linked;
    }

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
