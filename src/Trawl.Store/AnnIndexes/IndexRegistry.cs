using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Trawl.Store.AnnIndexes;

/// <summary>
/// The <c>_trawl_indexes</c> table in meta.db: one row per vector set that has an index (file, factory
/// string, metric, the set's checksum when the index was built, when and how long it took).
/// </summary>
internal static class IndexRegistry
{
    public const string TableName = "_trawl_indexes";

    public const string Schema = """
        CREATE TABLE IF NOT EXISTS _trawl_indexes (
            vector_set TEXT NOT NULL,
            file TEXT NOT NULL,
            factory TEXT NOT NULL,
            metric TEXT NOT NULL,
            vector_set_checksum TEXT NOT NULL,
            built_at TEXT NOT NULL,
            build_seconds REAL NOT NULL,
            PRIMARY KEY (vector_set));
        """;

    /// <summary>One row of <c>_trawl_indexes</c>.</summary>
    internal sealed record Entry(string VectorSet, string File, string Factory, string Metric, string VectorSetChecksum, string BuiltAt, double BuildSeconds);

    /// <summary>A read-write connection to meta.db that waits for other writers rather than failing at once.</summary>
    public static SqliteConnection OpenForWriting(string metaDb)
    {
        var conn = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = metaDb,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout = 30000;";
        cmd.ExecuteNonQuery();
        return conn;
    }

    public static void Upsert(SqliteConnection conn, Entry entry)
    {
        using var tx = conn.BeginTransaction();
        using (var create = conn.CreateCommand())
        {
            create.Transaction = tx;
            create.CommandText = Schema;
            create.ExecuteNonQuery();
        }
        using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT OR REPLACE INTO _trawl_indexes (vector_set, file, factory, metric, vector_set_checksum, built_at, build_seconds)
                VALUES ($set, $file, $factory, $metric, $checksum, $at, $seconds)
                """;
            cmd.Parameters.AddWithValue("$set", entry.VectorSet);
            cmd.Parameters.AddWithValue("$file", entry.File);
            cmd.Parameters.AddWithValue("$factory", entry.Factory);
            cmd.Parameters.AddWithValue("$metric", entry.Metric);
            cmd.Parameters.AddWithValue("$checksum", entry.VectorSetChecksum);
            cmd.Parameters.AddWithValue("$at", entry.BuiltAt);
            cmd.Parameters.AddWithValue("$seconds", entry.BuildSeconds);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public static List<Entry> ReadAll(SqliteConnection conn)
    {
        var list = new List<Entry>();
        using (var check = conn.CreateCommand())
        {
            check.CommandText = $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{TableName}'";
            if (Convert.ToInt64(check.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
                return list;
        }
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT vector_set, file, factory, metric, vector_set_checksum, built_at, build_seconds FROM {TableName} ORDER BY vector_set";
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add(new Entry(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetDouble(6)));
        return list;
    }
}
