using SQLitePCL;
using Trawl.Formats.Tables;
using Trawl.Store.Ingest.Pipeline;
using Trawl.Store.Storage;

namespace Trawl.Store.Ingest;

/// <summary>
/// Evaluates <c>--where</c> with SQLite itself: each batch goes into a <see cref="BatchStaging"/> table and
/// <c>SELECT _trawl_i FROM staging WHERE (expr)</c> says which rows to keep. So the expression has SQLite's full
/// syntax and functions (Trawl's too), and a mistake gets SQLite's own message.
/// </summary>
internal sealed class WhereFilter : IDisposable
{
    private readonly sqlite3 _db;
    private readonly BatchStaging _staging;
    private readonly sqlite3_stmt _select;

    public WhereFilter(sqlite3 db, TableSchema schema, IReadOnlyList<TargetColumn> columns, string expression, Func<string, string> targetName)
    {
        _db = db;
        _staging = new BatchStaging(db, "_trawl_stage", schema, columns, targetName);
        try
        {
            _select = RawSql.Prepare(db, $"SELECT _trawl_i FROM {_staging.Table} WHERE ({expression})");
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            string message = RawSql.ErrorMessage(db);
            _staging.Dispose();
            throw new UserErrorException($"--where \"{expression}\": {message} (columns: {string.Join(", ", schema.Columns.Select(c => c.Name))})", e);
        }
    }

    /// <summary>Sets keep[r] for each row of the batch.</summary>
    public void Evaluate(ColumnBatch batch, bool[] keep)
    {
        Array.Clear(keep, 0, batch.RowCount);
        _staging.Load(batch);
        int step;
        while ((step = raw.sqlite3_step(_select)) == raw.SQLITE_ROW)
            keep[raw.sqlite3_column_int64(_select, 0)] = true;
        raw.sqlite3_reset(_select);
        if (step != raw.SQLITE_DONE)
            throw new UserErrorException($"--where: {RawSql.ErrorMessage(_db)}");
    }

    public void Dispose()
    {
        _select.Dispose();
        _staging.Dispose();
    }
}
