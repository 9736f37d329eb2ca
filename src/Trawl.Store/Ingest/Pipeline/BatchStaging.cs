using System.Text;
using SQLitePCL;
using Trawl.Formats.Tables;
using Trawl.Store.Datasets;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Ingest.Pipeline;

/// <summary>
/// A TEMP table holding one batch of a source, typed like the target table, with the batch's row index as
/// <c>_trawl_i</c>: what lets SQLite itself evaluate the user's SQL (--where, --derive) over a batch, with its full
/// syntax, functions and error messages.
/// </summary>
internal sealed class BatchStaging : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insert;
    private readonly sqlite3_stmt _clear;
    private readonly SqlType[] _types;

    public BatchStaging(sqlite3 db, string name, TableSchema schema, IReadOnlyList<TargetColumn> columns, Func<string, string> targetName)
    {
        _db = db;
        Table = "temp." + name;
        SourceColumns = schema.Columns.Select(c => c.Name).ToArray();
        _types = new SqlType[schema.Count];
        var create = new StringBuilder($"CREATE TEMP TABLE {SqlNames.Quote(name)} (_trawl_i INTEGER PRIMARY KEY");
        var insert = new StringBuilder($"INSERT INTO {Table} (_trawl_i");
        for (int i = 0; i < schema.Count; i++)
        {
            string target = targetName(schema.Columns[i].Name);
            var column = columns.FirstOrDefault(c => !c.IsDerived && c.Name.Equals(target, StringComparison.OrdinalIgnoreCase));
            _types[i] = column?.Type ?? SqlType.Text;
            create.Append(", ").Append(SqlNames.Quote(schema.Columns[i].Name)).Append(' ').Append(SqlTypes.Name(_types[i]));
            insert.Append(", ").Append(SqlNames.Quote(schema.Columns[i].Name));
        }
        create.Append(')');
        insert.Append(") VALUES (?1");
        for (int i = 0; i < schema.Count; i++)
            insert.Append(", ?").Append(i + 2);
        insert.Append(')');

        RawSql.Execute(db, "DROP TABLE IF EXISTS " + Table);
        RawSql.Execute(db, create.ToString());
        _insert = RawSql.Prepare(db, insert.ToString());
        _clear = RawSql.Prepare(db, "DELETE FROM " + Table);
    }

    /// <summary>"temp.NAME", for the statements that read the staged rows.</summary>
    public string Table { get; }

    /// <summary>The source's column names (for error messages).</summary>
    public IReadOnlyList<string> SourceColumns { get; }

    /// <summary>Replaces the staged rows with the batch's rows (only the kept ones when <paramref name="keep"/> is given).</summary>
    public void Load(ColumnBatch batch, ReadOnlySpan<bool> keep = default)
    {
        raw.sqlite3_step(_clear);
        raw.sqlite3_reset(_clear);
        int n = batch.RowCount;
        for (int r = 0; r < n; r++)
        {
            if (!keep.IsEmpty && !keep[r])
                continue;
            raw.sqlite3_bind_int64(_insert, 1, r);
            for (int c = 0; c < _types.Length; c++)
                CellValue.Bind(_insert, c + 2, batch[c], r, _types[c]);
            int rc = raw.sqlite3_step(_insert);
            raw.sqlite3_reset(_insert);
            if (rc != raw.SQLITE_DONE)
                throw new UserErrorException($"could not stage a row for SQL evaluation: {RawSql.ErrorMessage(_db)}");
        }
    }

    public void Dispose()
    {
        _insert.Dispose();
        _clear.Dispose();
        try { RawSql.Execute(_db, "DROP TABLE IF EXISTS " + Table); } catch (Microsoft.Data.Sqlite.SqliteException) { }
    }
}
