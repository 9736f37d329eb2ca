using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Trawl.Store.Storage;

/// <summary>Small helpers over the raw SQLitePCL API, used where Microsoft.Data.Sqlite's per-call overhead matters.</summary>
internal static class RawSql
{
    public static sqlite3_stmt Prepare(sqlite3 db, string sql)
    {
        int rc = raw.sqlite3_prepare_v2(db, sql, out sqlite3_stmt stmt);
        if (rc != raw.SQLITE_OK)
        {
            string message = raw.sqlite3_errmsg(db).utf8_to_string();
            stmt.Dispose();
            throw new SqliteException($"SQLite error {rc}: {message}", rc);
        }
        return stmt;
    }

    public static void Execute(sqlite3 db, string sql)
    {
        int rc = raw.sqlite3_exec(db, sql, null, null, out string? error);
        if (rc != raw.SQLITE_OK)
            throw new SqliteException($"SQLite error {rc}: {error ?? raw.sqlite3_errmsg(db).utf8_to_string()}", rc);
    }

    public static string ErrorMessage(sqlite3 db) => raw.sqlite3_errmsg(db).utf8_to_string();

    /// <summary>A column of the current row as a .NET value: null, long, double, string or byte[].</summary>
    public static object? ColumnValue(sqlite3_stmt stmt, int i) => raw.sqlite3_column_type(stmt, i) switch
    {
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(stmt, i),
        raw.SQLITE_FLOAT => raw.sqlite3_column_double(stmt, i),
        raw.SQLITE_TEXT => raw.sqlite3_column_text(stmt, i).utf8_to_string(),
        raw.SQLITE_BLOB => raw.sqlite3_column_blob(stmt, i).ToArray(),
        _ => null,
    };

    public static string? ScalarText(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar() as string;
    }

    public static long ScalarInt64(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        object? v = cmd.ExecuteScalar();
        return v is null or DBNull ? 0 : Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture);
    }
}
