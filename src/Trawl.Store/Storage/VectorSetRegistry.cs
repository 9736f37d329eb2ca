using Microsoft.Data.Sqlite;

namespace Trawl.Store.Storage;

/// <summary>
/// The <c>_trawl_vector_sets</c> table: one row per vector set of a dataset (file, element type, dimension,
/// count, metric hint and data checksum). Row i of a set belongs to the table row with rowid i. Beside it,
/// <c>_trawl_vector_set_states</c> keeps each set's checksum state, so an append in place hashes only its new rows
/// (kept apart so that the agreed eight-column schema of <c>_trawl_vector_sets</c> stays as it is).
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
            checksum TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS _trawl_vector_set_states (
            name TEXT PRIMARY KEY,
            checksum_state BLOB NOT NULL);
        """;

    /// <summary>One row of <c>_trawl_vector_sets</c>.</summary>
    /// <remarks><see cref="ChecksumState"/> is the data checksum's running state after <see cref="Count"/> rows, so an
    /// append in place hashes only its new rows (null in datasets written before appends were made in place).</remarks>
    internal sealed record Entry(string Name, string Table, string File, string ElementType, int Dimension, long Count, string Metric, string Checksum)
    {
        public byte[]? ChecksumState { get; init; }

        /// <summary>The checksum as a number; <see cref="Trawl.Vectors.Storage.VectorSetFile.UnknownChecksum"/> when the row
        /// does not hold one (a registry written by hand).</summary>
        public ulong ChecksumValue => ParseChecksum(Checksum);
    }

    public static ulong ParseChecksum(string? checksum) =>
        ulong.TryParse(checksum, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out ulong value)
            ? value : Trawl.Vectors.Storage.VectorSetFile.UnknownChecksum;

    public static void EnsureSchema(SqliteConnection conn)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = Schema;
        cmd.ExecuteNonQuery();
    }

    public static void Upsert(SqliteConnection conn, Entry entry)
    {
        EnsureSchema(conn);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            INSERT OR REPLACE INTO _trawl_vector_sets (name, table_name, file, element_type, dimension, count, metric, checksum)
            VALUES ($name, $table, $file, $type, $dim, $count, $metric, $checksum);
            DELETE FROM _trawl_vector_set_states WHERE name = $name;
            INSERT INTO _trawl_vector_set_states (name, checksum_state) SELECT $name, $state WHERE $state IS NOT NULL;
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
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_trawl_vector_set_states'";
        bool hasStates = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        cmd.CommandText = hasStates
            ? "SELECT v.name, table_name, file, element_type, dimension, count, metric, checksum, s.checksum_state FROM _trawl_vector_sets v LEFT JOIN _trawl_vector_set_states s ON s.name = v.name ORDER BY v.name"
            : "SELECT name, table_name, file, element_type, dimension, count, metric, checksum, NULL FROM _trawl_vector_sets ORDER BY name";
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add(new Entry(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt64(5), r.GetString(6), r.GetString(7))
            {
                ChecksumState = r.IsDBNull(8) ? null : (byte[])r.GetValue(8),
            });
        return list;
    }
}
