using Microsoft.Data.Sqlite;

namespace Trawl.Store.Storage;

/// <summary>
/// The <c>_trawl_vector_sets</c> table: one row per vector set of a dataset (file, element type, dimension,
/// count, metric hint and data checksum). Row i of a set belongs to the table row with rowid i.
/// </summary>
internal static class VectorSetRegistry
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS _trawl_vector_sets (
            name TEXT PRIMARY KEY,
            table_name TEXT NOT NULL,
            file TEXT NOT NULL,
            element_type TEXT NOT NULL,
            dimension INTEGER NOT NULL,
            count INTEGER NOT NULL,
            metric TEXT NOT NULL,
            checksum TEXT NOT NULL,
            checksum_state BLOB);
        """;

    /// <summary>One row of <c>_trawl_vector_sets</c>.</summary>
    /// <remarks><see cref="ChecksumState"/> is the data checksum's running state after <see cref="Count"/> rows, so an
    /// append in place hashes only its new rows (null in datasets written before appends were made in place).</remarks>
    internal sealed record Entry(string Name, string Table, string File, string ElementType, int Dimension, long Count, string Metric, string Checksum)
    {
        public byte[]? ChecksumState { get; init; }

        public ulong ChecksumValue => ulong.Parse(Checksum, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static void EnsureSchema(SqliteConnection conn)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = Schema;
        cmd.ExecuteNonQuery();
        cmd.CommandText = "SELECT count(*) FROM pragma_table_info('_trawl_vector_sets') WHERE name = 'checksum_state'";
        if (Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            cmd.CommandText = "ALTER TABLE _trawl_vector_sets ADD COLUMN checksum_state BLOB";
            cmd.ExecuteNonQuery();
        }
    }

    public static void Upsert(SqliteConnection conn, Entry entry)
    {
        EnsureSchema(conn);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            INSERT OR REPLACE INTO _trawl_vector_sets (name, table_name, file, element_type, dimension, count, metric, checksum, checksum_state)
            VALUES ($name, $table, $file, $type, $dim, $count, $metric, $checksum, $state)
            """;
        cmd.Parameters.AddWithValue("$state", (object?)entry.ChecksumState ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$name", entry.Name);
        cmd.Parameters.AddWithValue("$table", entry.Table);
        cmd.Parameters.AddWithValue("$file", entry.File);
        cmd.Parameters.AddWithValue("$type", entry.ElementType);
        cmd.Parameters.AddWithValue("$dim", entry.Dimension);
        cmd.Parameters.AddWithValue("$count", entry.Count);
        cmd.Parameters.AddWithValue("$metric", entry.Metric);
        cmd.Parameters.AddWithValue("$checksum", entry.Checksum);
        cmd.ExecuteNonQuery();
    }

    public static List<Entry> ReadAll(SqliteConnection conn)
    {
        var list = new List<Entry>();
        using (var check = conn.CreateCommand())
        {
            check.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_trawl_vector_sets'";
            if (Convert.ToInt64(check.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
                return list;
        }
        using var cmd = conn.CreateCommand();
        bool hasState = false;
        cmd.CommandText = "SELECT count(*) FROM pragma_table_info('_trawl_vector_sets') WHERE name = 'checksum_state'";
        hasState = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        cmd.CommandText = $"SELECT name, table_name, file, element_type, dimension, count, metric, checksum, {(hasState ? "checksum_state" : "NULL")} FROM _trawl_vector_sets ORDER BY name";
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add(new Entry(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt64(5), r.GetString(6), r.GetString(7))
            {
                ChecksumState = r.IsDBNull(8) ? null : (byte[])r.GetValue(8),
            });
        return list;
    }
}
