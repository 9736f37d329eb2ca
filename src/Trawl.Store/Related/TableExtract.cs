using Microsoft.Data.Sqlite;
using Trawl.Store.Datasets;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Related;

/// <summary>
/// <c>trawl extract DATASET TABLE COLUMN</c>, as sqlite-utils' <c>extract</c>: the column's distinct values go into a
/// lookup table (<c>id</c>, the value, <c>count</c>: how many rows hold it, most common first) and the table gets
/// <c>COLUMN_id</c> pointing at it, recorded as a foreign key whose label is the value. Unlike sqlite-utils the text
/// column stays, so the table's pages, facets and search keep working; one transaction, all or nothing.
/// </summary>
public static class TableExtract
{
    public static ExtractReport Run(string datasetPath, string table, string column, string? lookupTable = null, bool replace = false)
    {
        var report = DatasetWrite.Run(datasetPath, conn =>
        {
            var source = DatasetWrite.Table(conn, table);
            var col = source.FindColumn(column) ?? throw new UserErrorException($"table '{source.Name}' has no column '{column}' (columns: {string.Join(", ", source.Columns.Select(c => c.Name))})");
            string lookup = lookupTable ?? col.Name;
            string key = col.Name + "_id";
            if (source.FindColumn(key) is not null)
                throw new UserErrorException($"table '{source.Name}' already has a column '{key}' (extracted before?)");
            DatasetWrite.CheckNewName(conn, lookup, replace);
            string t = SqlNames.Quote(source.Name), c = SqlNames.Quote(col.Name), l = SqlNames.Quote(lookup), k = SqlNames.Quote(key);
            var db = conn.Handle!;
            RawSql.Execute(db, $"CREATE TABLE {l} (\"rowid\" INTEGER PRIMARY KEY, \"id\" INTEGER NOT NULL UNIQUE, {c} {col.SqlType.Name()}, \"count\" INTEGER NOT NULL)");
            RawSql.Execute(db, $"""
                INSERT INTO {l} ("rowid", "id", {c}, "count")
                SELECT row_number() OVER (ORDER BY count(*) DESC, {c}) - 1, row_number() OVER (ORDER BY count(*) DESC, {c}), {c}, count(*)
                FROM {t} WHERE {c} IS NOT NULL GROUP BY {c} ORDER BY count(*) DESC, {c}
                """);
            RawSql.Execute(db, $"CREATE UNIQUE INDEX {SqlNames.Quote("idx_" + lookup + "_" + col.Name)} ON {l} ({c})");
            RawSql.Execute(db, $"ALTER TABLE {t} ADD COLUMN {k} INTEGER");
            RawSql.Execute(db, $"UPDATE {t} SET {k} = (SELECT \"id\" FROM {l} WHERE {l}.{c} = {t}.{c}) WHERE {c} IS NOT NULL");
            long lookupRows = RawSql.ScalarInt64(conn, $"SELECT count(*) FROM {l}");
            long linked = RawSql.ScalarInt64(conn, $"SELECT count(*) FROM {t} WHERE {k} IS NOT NULL");
            Bookkeeping.WriteTable(conn, new TableInfo(lookup, lookupRows,
                [new ColumnInfo("id", SqlType.Integer, ColumnRole.None), new ColumnInfo(col.Name, col.SqlType, col.Role), new ColumnInfo("count", SqlType.Integer, ColumnRole.None)],
                [], null, "id"));
            Bookkeeping.WriteTable(conn, source with { Columns = [.. source.Columns, new ColumnInfo(key, SqlType.Integer, ColumnRole.None)] });
            ForeignKeys.Write(conn, new ForeignKey(source.Name, key, lookup, "id", col.Name));
            return new ExtractReport(source.Name, col.Name, lookup, lookupRows, key, linked);
        });
        // Column files follow the committed rows, as after an ingest.
        Columns.DatasetColumns.Update(datasetPath, report.LookupTable);
        Columns.DatasetColumns.Update(datasetPath, report.Table);
        return report;
    }
}
