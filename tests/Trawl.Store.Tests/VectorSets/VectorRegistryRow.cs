using Microsoft.Data.Sqlite;

namespace Trawl.Store.Tests.VectorSets;

/// <summary>Writes a <c>_trawl_vector_sets</c> row with plain SQL, following the agreed schema (docs/knn.md).</summary>
internal static class VectorRegistryRow
{
    public static void Write(string datasetDir, string name, string table, string file, string elementType, int dimension, long count, string metric)
    {
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(datasetDir, "meta.db"), Pooling = false }.ToString());
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            CREATE TABLE IF NOT EXISTS _trawl_vector_sets (name TEXT PRIMARY KEY, table_name TEXT NOT NULL, file TEXT NOT NULL,
              element_type TEXT NOT NULL, dimension INTEGER NOT NULL, count INTEGER NOT NULL, metric TEXT NOT NULL, checksum TEXT NOT NULL);
            INSERT OR REPLACE INTO _trawl_vector_sets VALUES ($n, $t, $f, $e, $d, $c, $m, '0');
            """;
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$t", table);
        cmd.Parameters.AddWithValue("$f", file);
        cmd.Parameters.AddWithValue("$e", elementType);
        cmd.Parameters.AddWithValue("$d", dimension);
        cmd.Parameters.AddWithValue("$c", count);
        cmd.Parameters.AddWithValue("$m", metric);
        cmd.ExecuteNonQuery();
    }
}
