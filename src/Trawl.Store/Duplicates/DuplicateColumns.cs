using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Duplicates;

/// <summary>
/// Writes <c>dup_cluster</c> and <c>dup_of</c> into a live table in one transaction: the columns are added
/// with ALTER TABLE when missing (plain INTEGER columns, registered in <c>_trawl_columns</c> so pages, filters
/// and facets see them), every earlier value is cleared, the new ones are set from a TEMP table, and an index
/// on dup_cluster makes "this row's near-duplicates" a lookup. Readers see the old state or the new one.
/// </summary>
internal static class DuplicateColumns
{
    public const string Cluster = "dup_cluster";
    public const string Of = "dup_of";

    /// <summary>One clustered row: its cluster id (the cluster's smallest rowid) and the kept row, or null when it is the kept one.</summary>
    public readonly record struct Assignment(long RowId, long Cluster, long? DupOf);

    public static void Write(string datasetDirectory, string table, IEnumerable<Assignment> rows, object settings, CancellationToken cancel)
    {
        string meta = DatasetPaths.MetaDb(datasetDirectory);
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = meta, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        conn.Open();
        Exec(conn, "PRAGMA busy_timeout = 10000");
        using (var tx = conn.BeginTransaction(deferred: false))
        {
            string t = SqlNames.Quote(table);
            var existing = ExistingColumns(conn, table);
            foreach (string c in new[] { Cluster, Of })
                if (!existing.Contains(c))
                    Exec(conn, $"ALTER TABLE {t} ADD COLUMN {SqlNames.Quote(c)} INTEGER");
            Exec(conn, $"UPDATE {t} SET {SqlNames.Quote(Cluster)} = NULL, {SqlNames.Quote(Of)} = NULL WHERE {SqlNames.Quote(Cluster)} IS NOT NULL OR {SqlNames.Quote(Of)} IS NOT NULL");
            Exec(conn, "CREATE TEMP TABLE _trawl_dedupe_rows (rowid INTEGER PRIMARY KEY, cluster INTEGER NOT NULL, dup_of INTEGER)");
            using (var insert = conn.CreateCommand())
            {
                insert.CommandText = "INSERT INTO temp._trawl_dedupe_rows (rowid, cluster, dup_of) VALUES ($r, $c, $o)";
                var pr = insert.Parameters.Add("$r", SqliteType.Integer);
                var pc = insert.Parameters.Add("$c", SqliteType.Integer);
                var po = insert.Parameters.Add("$o", SqliteType.Integer);
                insert.Prepare();
                long n = 0;
                foreach (var a in rows)
                {
                    if ((++n & 0xFFFF) == 0) cancel.ThrowIfCancellationRequested();
                    pr.Value = a.RowId;
                    pc.Value = a.Cluster;
                    po.Value = a.DupOf is { } o ? o : DBNull.Value;
                    insert.ExecuteNonQuery();
                }
            }
            Exec(conn, $"""
                UPDATE {t} SET {SqlNames.Quote(Cluster)} = d.cluster, {SqlNames.Quote(Of)} = d.dup_of
                FROM temp._trawl_dedupe_rows AS d WHERE {t}.rowid = d.rowid
                """);
            Exec(conn, "DROP TABLE temp._trawl_dedupe_rows");
            string indexName = SqlNames.Quote("_trawl_idx_" + table + "_" + Cluster);
            Exec(conn, $"CREATE INDEX IF NOT EXISTS {indexName} ON {t} ({SqlNames.Quote(Cluster)})");
            Register(conn, table, settings);
            tx.Commit();
        }
        // Move the change into meta.db itself, so open datasets notice the new columns.
        Exec(conn, "PRAGMA wal_checkpoint(TRUNCATE)");
    }

    private static HashSet<string> ExistingColumns(SqliteConnection conn, string table)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"PRAGMA table_info({SqlNames.Quote(table)})";
        using var r = cmd.ExecuteReader();
        while (r.Read()) set.Add(r.GetString(1));
        return set;
    }

    /// <summary>The bookkeeping: both columns listed after the table's others; their facet statistics dropped (facets then count live).</summary>
    private static void Register(SqliteConnection conn, string table, object settings)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            INSERT OR IGNORE INTO _trawl_columns ("table", "column", position, sql_type, role)
            VALUES ($t, $c, (SELECT coalesce(max(position), -1) + 1 FROM _trawl_columns WHERE "table" = $t), 'INTEGER', 'none');
            DELETE FROM _trawl_facet_stats WHERE "table" = $t AND "column" = $c;
            DELETE FROM _trawl_facet_values WHERE "table" = $t AND "column" = $c;
            """;
        var pc = cmd.Parameters.Add("$c", SqliteType.Text);
        cmd.Parameters.AddWithValue("$t", table);
        foreach (string c in new[] { Cluster, Of })
        {
            pc.Value = c;
            cmd.ExecuteNonQuery();
        }
        using var meta = conn.CreateCommand();
        meta.CommandText = "INSERT OR REPLACE INTO _trawl_meta (key, value) VALUES ($k, $v)";
        meta.Parameters.AddWithValue("$k", "dedupe:" + table);
        meta.Parameters.AddWithValue("$v", JsonSerializer.Serialize(settings));
        meta.ExecuteNonQuery();
    }

    private static void Exec(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    internal static string Invariant(long v) => v.ToString(CultureInfo.InvariantCulture);
}
