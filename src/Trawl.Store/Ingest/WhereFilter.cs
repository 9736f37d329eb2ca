using System.Text;
using SQLitePCL;
using Trawl.Formats.Tables;
using Trawl.Store.Datasets;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Ingest;

/// <summary>
/// Evaluates <c>--where</c> with SQLite itself: each batch goes into a TEMP staging table typed like the
/// target, and <c>SELECT i FROM staging WHERE (expr)</c> says which rows to keep. So the expression has
/// SQLite's full syntax and functions, and a mistake gets SQLite's own message.
/// </summary>
internal sealed class WhereFilter : IDisposable
{
    private const string Stage = "temp._trawl_stage";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insert;
    private readonly sqlite3_stmt _select;
    private readonly sqlite3_stmt _clear;
    private readonly SqlType[] _types;

    public WhereFilter(sqlite3 db, TableSchema schema, IReadOnlyList<TargetColumn> columns, string expression, Func<string, string> targetName)
    {
        _db = db;
        _types = new SqlType[schema.Count];
        var create = new StringBuilder($"CREATE TEMP TABLE IF NOT EXISTS _trawl_stage (_trawl_i INTEGER PRIMARY KEY");
        var insert = new StringBuilder($"INSERT INTO {Stage} (_trawl_i");
        for (int i = 0; i < schema.Count; i++)
        {
            string name = targetName(schema.Columns[i].Name);
            var target = columns.FirstOrDefault(c => c.DomainOf is null && c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            _types[i] = target?.Type ?? SqlType.Text;
            create.Append(", ").Append(SqlNames.Quote(schema.Columns[i].Name)).Append(' ').Append(SqlTypes.Name(_types[i]));
            insert.Append(", ").Append(SqlNames.Quote(schema.Columns[i].Name));
        }
        create.Append(')');
        insert.Append(") VALUES (?1");
        for (int i = 0; i < schema.Count; i++)
            insert.Append(", ?").Append(i + 2);
        insert.Append(')');

        RawSql.Execute(db, "DROP TABLE IF EXISTS " + Stage);
        RawSql.Execute(db, create.ToString());
        _insert = RawSql.Prepare(db, insert.ToString());
        _clear = RawSql.Prepare(db, "DELETE FROM " + Stage);
        try
        {
            _select = RawSql.Prepare(db, $"SELECT _trawl_i FROM {Stage} WHERE ({expression})");
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            _insert.Dispose();
            _clear.Dispose();
            throw new UserErrorException($"--where \"{expression}\": {RawSql.ErrorMessage(db)} (columns: {string.Join(", ", schema.Columns.Select(c => c.Name))})", e);
        }
    }

    /// <summary>Sets keep[r] for each row of the batch.</summary>
    public void Evaluate(ColumnBatch batch, bool[] keep)
    {
        int n = batch.RowCount;
        Array.Clear(keep, 0, n);
        raw.sqlite3_step(_clear);
        raw.sqlite3_reset(_clear);
        for (int r = 0; r < n; r++)
        {
            raw.sqlite3_bind_int64(_insert, 1, r);
            for (int c = 0; c < _types.Length; c++)
                CellValue.Bind(_insert, c + 2, batch[c], r, _types[c]);
            int rc = raw.sqlite3_step(_insert);
            raw.sqlite3_reset(_insert);
            if (rc != raw.SQLITE_DONE)
                throw new UserErrorException($"--where: could not stage a row: {RawSql.ErrorMessage(_db)}");
        }
        int step;
        while ((step = raw.sqlite3_step(_select)) == raw.SQLITE_ROW)
            keep[raw.sqlite3_column_int64(_select, 0)] = true;
        raw.sqlite3_reset(_select);
        if (step != raw.SQLITE_DONE)
            throw new UserErrorException($"--where: {RawSql.ErrorMessage(_db)}");
    }

    public void Dispose()
    {
        _insert.Dispose();
        _select.Dispose();
        _clear.Dispose();
        try { RawSql.Execute(_db, "DROP TABLE IF EXISTS " + Stage); } catch (Microsoft.Data.Sqlite.SqliteException) { }
    }
}
