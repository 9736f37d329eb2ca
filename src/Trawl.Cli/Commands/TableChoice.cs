using Trawl.Store.Contracts;
using Trawl.Store;
using Trawl.Store.Datasets;

namespace Trawl.Cli.Commands;

/// <summary>Picks the table a command works on when the user did not name one.</summary>
internal static class TableChoice
{
    /// <summary>The named table; else the only table; else the first with full-text search when <paramref name="wantSearch"/>; else the first.</summary>
    public static TableInfo Resolve(IDatasetSource dataset, string? name, bool wantSearch)
    {
        if (!string.IsNullOrEmpty(name))
            return dataset.GetTable(name);
        IReadOnlyList<TableInfo> tables = dataset.ListTables();
        if (tables.Count == 0)
            throw new UserErrorException($"{dataset.Location}: the dataset has no tables yet; add one with 'trawl ingest'");
        if (wantSearch)
        {
            TableInfo? searchable = tables.FirstOrDefault(t => t.SearchColumns.Count > 0);
            return searchable ?? throw new UserErrorException(
                $"{dataset.Location}: no table has full-text search; ingest with --search COLUMN (tables: {string.Join(", ", tables.Select(t => t.Name))})");
        }
        return tables[0];
    }
}
