using System.Text;
using SQLitePCL;
using Trawl.Formats.Tables;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest.Pipeline;
using Trawl.Store.Storage;

namespace Trawl.Store.Ingest;

/// <summary>
/// Evaluates the SQL expressions of <c>--derive NAME=EXPR</c> and <c>--convert</c> over a batch with SQLite (the
/// batch staged in a TEMP table, as for --where): <c>SELECT _trawl_i, (e1), (e2)... ORDER BY _trawl_i</c>, each
/// result appended to its derived lane. Rows not kept get NULL. A bad expression is refused when the source
/// starts, with SQLite's message and the source's columns.
/// </summary>
internal sealed class DerivedExpressions : IDisposable
{
    private readonly sqlite3 _db;
    private readonly BatchStaging _staging;
    private readonly sqlite3_stmt _select;
    private readonly IReadOnlyList<DerivedColumnSpec> _specs;

    public DerivedExpressions(sqlite3 db, TableSchema schema, IReadOnlyList<TargetColumn> columns, IReadOnlyList<DerivedColumnSpec> specs, Func<string, string> targetName)
    {
        _db = db;
        _specs = specs;
        _staging = new BatchStaging(db, "_trawl_derive_stage", schema, columns, targetName);
        var sql = new StringBuilder("SELECT _trawl_i");
        foreach (var spec in specs)
            sql.Append(", (").Append(spec.Expression).Append(')');
        sql.Append(" FROM ").Append(_staging.Table).Append(" ORDER BY _trawl_i");
        try
        {
            _select = RawSql.Prepare(db, sql.ToString());
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            string message = RawSql.ErrorMessage(db);
            _staging.Dispose();
            // Name the one that fails: each alone.
            var bad = specs.FirstOrDefault(s => !Compiles(db, s, schema, columns, targetName)) ?? specs[0];
            string option = bad.Kind == DerivedColumnKind.Convert ? $"--convert {bad.Name}" : $"--derive {bad.Name}=\"{bad.Expression}\"";
            throw new UserErrorException($"{option}: {message} (columns: {string.Join(", ", schema.Columns.Select(c => c.Name))}; Trawl's functions: {string.Join(", ", Sql.TrawlFunctions.Names)})", e);
        }
    }

    private static bool Compiles(sqlite3 db, DerivedColumnSpec spec, TableSchema schema, IReadOnlyList<TargetColumn> columns, Func<string, string> targetName)
    {
        using var staging = new BatchStaging(db, "_trawl_derive_check", schema, columns, targetName);
        try
        {
            using var stmt = RawSql.Prepare(db, $"SELECT ({spec.Expression}) FROM {staging.Table}");
            return true;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return false;
        }
    }

    /// <summary>Appends one value per batch row to each of <paramref name="lanes"/> (lane k for expression k).</summary>
    public void Evaluate(ColumnBatch batch, ReadOnlySpan<bool> keep, ReadOnlySpan<ColumnValues> lanes)
    {
        _staging.Load(batch, keep);
        int next = 0;
        int step;
        while ((step = raw.sqlite3_step(_select)) == raw.SQLITE_ROW)
        {
            int row = (int)raw.sqlite3_column_int64(_select, 0);
            for (; next < row; next++)
            {
                foreach (var lane in lanes)
                    lane.AppendNull();
            }
            for (int k = 0; k < lanes.Length; k++)
                Append(lanes[k], k + 1);
            next = row + 1;
        }
        raw.sqlite3_reset(_select);
        if (step != raw.SQLITE_DONE)
            throw new UserErrorException($"--derive: {RawSql.ErrorMessage(_db)}");
        for (; next < batch.RowCount; next++)
        {
            foreach (var lane in lanes)
                lane.AppendNull();
        }
    }

    /// <summary>The SQLite type each expression gives on the batch's first non-NULL values: INTEGER, REAL or TEXT
    /// (BLOB when it gives bytes); TEXT when every value is NULL.</summary>
    public SqlType[] InferTypes(ColumnBatch batch)
    {
        var lanes = _specs.Select(_ => new ColumnValues(batch.RowCount)).ToArray();
        Evaluate(batch, default, lanes);
        var types = new SqlType[lanes.Length];
        for (int k = 0; k < lanes.Length; k++)
        {
            bool anyInt = false, anyReal = false, anyText = false, anyBlob = false;
            for (int r = 0; r < lanes[k].Count; r++)
            {
                switch (lanes[k].KindAt(r))
                {
                    case ValueKind.Int64: anyInt = true; break;
                    case ValueKind.Double: anyReal = true; break;
                    case ValueKind.Binary: anyBlob = true; break;
                    case ValueKind.Null: break;
                    default: anyText = true; break;
                }
            }
            types[k] = anyText ? SqlType.Text : anyBlob ? SqlType.Blob : anyReal ? SqlType.Real : anyInt ? SqlType.Integer : SqlType.Text;
        }
        return types;
    }

    private void Append(ColumnValues lane, int column)
    {
        switch (raw.sqlite3_column_type(_select, column))
        {
            case raw.SQLITE_INTEGER:
                lane.AppendInt64(raw.sqlite3_column_int64(_select, column));
                break;
            case raw.SQLITE_FLOAT:
                lane.AppendDouble(raw.sqlite3_column_double(_select, column));
                break;
            case raw.SQLITE_TEXT:
                lane.AppendText(raw.sqlite3_column_blob(_select, column));
                break;
            case raw.SQLITE_BLOB:
                lane.AppendBinary(raw.sqlite3_column_blob(_select, column));
                break;
            default:
                lane.AppendNull();
                break;
        }
    }

    public void Dispose()
    {
        _select.Dispose();
        _staging.Dispose();
    }
}
