using Trawl.Server.Hosting;
using Trawl.Store;
using Trawl.Store.Datasets;

namespace Trawl.Server.Metadata;

/// <summary>The metadata's table settings checked against the served tables when the server starts, so a typo in a
/// sort, facet, label or column name is an error naming the file and the key rather than a broken page. Databases
/// and tables the metadata names but the server does not serve are ignored, as Datasette ignores them.</summary>
internal static class MetadataCheck
{
    public static void Against(SiteMetadata metadata, DatasetCatalog catalog)
    {
        foreach (var (dbName, db) in metadata.Databases)
        {
            if (!catalog.Contains(dbName))
                continue;
            var dataset = catalog.Get(dbName);
            foreach (var (tableName, t) in db.Tables)
            {
                if (DatasetCatalog.FindTable(dataset, tableName) is not { } table)
                    continue;
                string at = $"databases.{dbName}.tables.{tableName}";
                if (t.Sort is not null && t.SortDesc is not null)
                    throw Wrong(metadata, at, "has both sort and sort_desc; keep one");
                Column(metadata, table, at + ".sort", t.Sort);
                Column(metadata, table, at + ".sort_desc", t.SortDesc);
                Column(metadata, table, at + ".label_column", t.LabelColumn);
                foreach (var f in t.Facets)
                    Column(metadata, table, at + ".facets", f.Column);
                foreach (string column in t.SortableColumns ?? [])
                    Column(metadata, table, at + ".sortable_columns", column);
                foreach (string column in t.Columns.Keys)
                    Column(metadata, table, at + ".columns", column);
            }
        }
    }

    private static void Column(SiteMetadata metadata, TableInfo table, string at, string? column)
    {
        if (column is null || column.Equals("rowid", StringComparison.OrdinalIgnoreCase) || table.FindColumn(column) is not null)
            return;
        throw Wrong(metadata, at, $"names '{column}', but table '{table.Name}' has no such column (columns: rowid, {string.Join(", ", table.Columns.Select(c => c.Name))})");
    }

    private static UserErrorException Wrong(SiteMetadata metadata, string at, string what) =>
        new($"--metadata {metadata.Path ?? "(given in code)"}: '{at}' {what}");
}
