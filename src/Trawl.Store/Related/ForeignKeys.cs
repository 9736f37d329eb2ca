using Microsoft.Data.Sqlite;
using Trawl.Store.Storage;

namespace Trawl.Store.Related;

/// <summary>
/// The foreign keys of a dataset, in <c>_trawl_foreign_keys</c>: given at ingest (<c>--fk image_id=images.id</c>) or
/// made by <c>trawl extract</c>. Kept as bookkeeping rather than SQLite REFERENCES clauses, which cannot be added to
/// an existing table without rebuilding it.
/// </summary>
public static class ForeignKeys
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS _trawl_foreign_keys (
            "table" TEXT NOT NULL, "column" TEXT NOT NULL, other_table TEXT NOT NULL, other_column TEXT NOT NULL,
            label_column TEXT, PRIMARY KEY ("table", "column"));
        """;

    /// <summary>Every foreign key of the dataset at <paramref name="datasetPath"/>.</summary>
    public static IReadOnlyList<ForeignKey> Read(string datasetPath)
    {
        string directory = DatasetPaths.FindExisting(datasetPath) ?? throw new UserErrorException($"{datasetPath}: no such dataset");
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatasetPaths.MetaDb(directory), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        conn.Open();
        return Read(conn);
    }

    internal static IReadOnlyList<ForeignKey> Read(SqliteConnection conn)
    {
        if (RawSql.ScalarInt64(conn, "SELECT count(*) FROM sqlite_master WHERE name = '_trawl_foreign_keys'") == 0)
            return [];
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """SELECT "table", "column", other_table, other_column, label_column FROM _trawl_foreign_keys ORDER BY "table", "column" """;
        using var r = cmd.ExecuteReader();
        var keys = new List<ForeignKey>();
        while (r.Read())
            keys.Add(new ForeignKey(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4)));
        return keys;
    }

    /// <summary>Records <paramref name="key"/> after checking its columns exist (the other table may come later).</summary>
    internal static void Write(SqliteConnection conn, ForeignKey key)
    {
        RawSql.Execute(conn.Handle!, Schema);
        if (!HasColumn(conn, key.Table, key.Column))
            throw new UserErrorException($"--fk {key.Column}={key.OtherTable}.{key.OtherColumn}: table '{key.Table}' has no column '{key.Column}'");
        bool otherExists = RawSql.ScalarInt64(conn, $"SELECT count(*) FROM sqlite_master WHERE lower(name) = lower({Sql.SqlNames.Literal(key.OtherTable)})") > 0;
        if (otherExists && !HasColumn(conn, key.OtherTable, key.OtherColumn))
            throw new UserErrorException($"--fk {key.Column}={key.OtherTable}.{key.OtherColumn}: table '{key.OtherTable}' has no column '{key.OtherColumn}'");
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """INSERT OR REPLACE INTO _trawl_foreign_keys ("table", "column", other_table, other_column, label_column) VALUES ($t, $c, $ot, $oc, $l)""";
        cmd.Parameters.AddWithValue("$t", key.Table);
        cmd.Parameters.AddWithValue("$c", key.Column);
        cmd.Parameters.AddWithValue("$ot", key.OtherTable);
        cmd.Parameters.AddWithValue("$oc", key.OtherColumn);
        cmd.Parameters.AddWithValue("$l", (object?)key.LabelColumn ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    internal static void DeleteFor(SqliteConnection conn, string table)
    {
        if (RawSql.ScalarInt64(conn, "SELECT count(*) FROM sqlite_master WHERE name = '_trawl_foreign_keys'") == 0)
            return;
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """DELETE FROM _trawl_foreign_keys WHERE "table" = $t""";
        cmd.Parameters.AddWithValue("$t", table);
        cmd.ExecuteNonQuery();
    }

    internal static bool HasColumn(SqliteConnection conn, string table, string column) =>
        RawSql.ScalarInt64(conn, $"SELECT count(*) FROM pragma_table_info({Sql.SqlNames.Literal(table)}) WHERE lower(name) = lower({Sql.SqlNames.Literal(column)})") > 0;
}
