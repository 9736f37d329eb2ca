using System.Text.Json;
using Microsoft.Data.Sqlite;
using Trawl.Store.Datasets;

namespace Trawl.Store.Storage;

/// <summary>
/// The <c>_trawl_*</c> tables: what was ingested from where, columns and their roles, tables with
/// cached counts and search settings, facet statistics and the format version. Plain tables, so
/// Datasette and sqlite-utils show them like any other.
/// </summary>
internal static class Bookkeeping
{
    public const int FormatVersion = 1;

    public const string Schema = """
        CREATE TABLE IF NOT EXISTS _trawl_meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE IF NOT EXISTS _trawl_sources (
            id INTEGER PRIMARY KEY, path TEXT NOT NULL, size INTEGER, mtime TEXT, fast_hash TEXT,
            "table" TEXT NOT NULL, rows INTEGER, ingested_at TEXT);
        CREATE TABLE IF NOT EXISTS _trawl_tables (
            "table" TEXT PRIMARY KEY, row_count INTEGER NOT NULL, search_columns TEXT NOT NULL,
            pk TEXT, fts_table TEXT);
        CREATE TABLE IF NOT EXISTS _trawl_columns (
            "table" TEXT NOT NULL, "column" TEXT NOT NULL, position INTEGER NOT NULL,
            sql_type TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY ("table", "column"));
        CREATE TABLE IF NOT EXISTS _trawl_facet_stats (
            "table" TEXT NOT NULL, "column" TEXT NOT NULL, distinct_count INTEGER NOT NULL,
            capped INTEGER NOT NULL, PRIMARY KEY ("table", "column"));
        CREATE TABLE IF NOT EXISTS _trawl_facet_values (
            "table" TEXT NOT NULL, "column" TEXT NOT NULL, value, count INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS _trawl_facet_values_by_column ON _trawl_facet_values ("table", "column");
        """;

    public static void EnsureSchema(SqliteConnection conn)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = Schema + "INSERT OR REPLACE INTO _trawl_meta (key, value) VALUES ('format_version', $v);";
        cmd.Parameters.AddWithValue("$v", FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
    }

    public static bool HasSchema(SqliteConnection conn)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_trawl_tables'";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    public static List<TableInfo> ReadTables(SqliteConnection conn)
    {
        var tables = new List<TableInfo>();
        if (!HasSchema(conn))
            return tables;
        var columns = new Dictionary<string, List<ColumnInfo>>(StringComparer.Ordinal);
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = """SELECT "table", "column", sql_type, role FROM _trawl_columns ORDER BY "table", position""";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                string t = r.GetString(0);
                if (!columns.TryGetValue(t, out var list))
                    columns[t] = list = [];
                ColumnRole role = Enum.TryParse<ColumnRole>(r.GetString(3), ignoreCase: true, out var parsed) ? parsed : ColumnRole.None;
                list.Add(new ColumnInfo(r.GetString(1), SqlTypes.Parse(r.GetString(2)), role));
            }
        }
        using (var cmd = conn.CreateCommand())
        {
            // In the order the tables were first ingested (their first source), so the first is the one a user started with.
            cmd.CommandText = """
                SELECT t."table", t.row_count, t.search_columns, t.pk, t.fts_table FROM _trawl_tables AS t
                ORDER BY coalesce((SELECT min(s.id) FROM _trawl_sources AS s WHERE s."table" = t."table"), 9223372036854775807), t.rowid
                """;
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                string name = r.GetString(0);
                var search = JsonSerializer.Deserialize<List<string>>(r.GetString(2)) ?? [];
                tables.Add(new TableInfo(
                    name,
                    r.GetInt64(1),
                    WithUnrecordedColumns(conn, name, columns.TryGetValue(name, out var cols) ? cols : []),
                    search,
                    r.IsDBNull(4) ? null : r.GetString(4),
                    r.IsDBNull(3) ? null : r.GetString(3)));
            }
        }
        return tables;
    }

    /// <summary>The recorded columns plus any the table has that Trawl did not record (added with sqlite-utils or
    /// sqlite3 after the ingest), so pages show them too.</summary>
    private static List<ColumnInfo> WithUnrecordedColumns(SqliteConnection conn, string table, List<ColumnInfo> recorded)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT name, type FROM pragma_table_info($t)";
        cmd.Parameters.AddWithValue("$t", table);
        List<ColumnInfo>? all = null;
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            string name = r.GetString(0);
            if (name.Equals("rowid", StringComparison.OrdinalIgnoreCase) || recorded.Any(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
                continue;
            all ??= [.. recorded];
            all.Add(new ColumnInfo(name, SqlTypes.Parse(r.IsDBNull(1) ? "" : r.GetString(1)), ColumnRole.None));
        }
        return all ?? recorded;
    }

    public static void WriteTable(SqliteConnection conn, TableInfo table)
    {
        using var tx = conn.CreateCommand();
        tx.CommandText = """
            DELETE FROM _trawl_columns WHERE "table" = $t;
            INSERT OR REPLACE INTO _trawl_tables ("table", row_count, search_columns, pk, fts_table) VALUES ($t, $n, $s, $pk, $fts);
            """;
        tx.Parameters.AddWithValue("$t", table.Name);
        tx.Parameters.AddWithValue("$n", table.RowCount);
        tx.Parameters.AddWithValue("$s", JsonSerializer.Serialize(table.SearchColumns));
        tx.Parameters.AddWithValue("$pk", (object?)table.PrimaryKey ?? DBNull.Value);
        tx.Parameters.AddWithValue("$fts", (object?)table.FtsTable ?? DBNull.Value);
        tx.ExecuteNonQuery();

        using var cmd = conn.CreateCommand();
        cmd.CommandText = """INSERT INTO _trawl_columns ("table", "column", position, sql_type, role) VALUES ($t, $c, $p, $ty, $r)""";
        var pt = cmd.Parameters.Add("$t", SqliteType.Text);
        var pc = cmd.Parameters.Add("$c", SqliteType.Text);
        var pp = cmd.Parameters.Add("$p", SqliteType.Integer);
        var pty = cmd.Parameters.Add("$ty", SqliteType.Text);
        var pr = cmd.Parameters.Add("$r", SqliteType.Text);
        for (int i = 0; i < table.Columns.Count; i++)
        {
            var c = table.Columns[i];
            pt.Value = table.Name;
            pc.Value = c.Name;
            pp.Value = i;
            pty.Value = c.SqlType.Name();
            pr.Value = c.Role.ToString().ToLowerInvariant();
            cmd.ExecuteNonQuery();
        }
    }

    public static void DeleteTable(SqliteConnection conn, string table)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            DELETE FROM _trawl_columns WHERE "table" = $t;
            DELETE FROM _trawl_tables WHERE "table" = $t;
            DELETE FROM _trawl_facet_stats WHERE "table" = $t;
            DELETE FROM _trawl_facet_values WHERE "table" = $t;
            DELETE FROM _trawl_sources WHERE "table" = $t;
            """;
        cmd.Parameters.AddWithValue("$t", table);
        cmd.ExecuteNonQuery();
    }

    public static void AddSource(SqliteConnection conn, string table, string path, long rows)
    {
        var info = new FileInfo(path);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            INSERT INTO _trawl_sources (path, size, mtime, fast_hash, "table", rows, ingested_at)
            VALUES ($path, $size, $mtime, $hash, $t, $rows, $at)
            """;
        cmd.Parameters.AddWithValue("$path", info.FullName);
        cmd.Parameters.AddWithValue("$size", info.Length);
        cmd.Parameters.AddWithValue("$mtime", info.LastWriteTimeUtc.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$hash", FastFileHash.Compute(path));
        cmd.Parameters.AddWithValue("$t", table);
        cmd.Parameters.AddWithValue("$rows", rows);
        cmd.Parameters.AddWithValue("$at", DateTime.UtcNow.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
    }

    /// <summary>Whether the table already holds a source of this file's size and fingerprint.</summary>
    public static bool HasSource(SqliteConnection conn, string table, string path)
    {
        var info = new FileInfo(path);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """SELECT count(*) FROM _trawl_sources WHERE "table" = $t AND size = $size AND fast_hash = $hash""";
        cmd.Parameters.AddWithValue("$t", table);
        cmd.Parameters.AddWithValue("$size", info.Length);
        cmd.Parameters.AddWithValue("$hash", FastFileHash.Compute(path));
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    public static void WriteFacetStat(SqliteConnection conn, string table, string column, long distinct, bool capped)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """INSERT OR REPLACE INTO _trawl_facet_stats ("table", "column", distinct_count, capped) VALUES ($t, $c, $d, $cap)""";
        cmd.Parameters.AddWithValue("$t", table);
        cmd.Parameters.AddWithValue("$c", column);
        cmd.Parameters.AddWithValue("$d", distinct);
        cmd.Parameters.AddWithValue("$cap", capped ? 1 : 0);
        cmd.ExecuteNonQuery();
    }

    public static void WriteFacetValues(SqliteConnection conn, string table, string column, IEnumerable<(object? Value, long Count)> values)
    {
        using (var del = conn.CreateCommand())
        {
            del.CommandText = """DELETE FROM _trawl_facet_values WHERE "table" = $t AND "column" = $c""";
            del.Parameters.AddWithValue("$t", table);
            del.Parameters.AddWithValue("$c", column);
            del.ExecuteNonQuery();
        }
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """INSERT INTO _trawl_facet_values ("table", "column", value, count) VALUES ($t, $c, $v, $n)""";
        cmd.Parameters.AddWithValue("$t", table);
        cmd.Parameters.AddWithValue("$c", column);
        var pv = cmd.Parameters.Add("$v", SqliteType.Blob);
        var pn = cmd.Parameters.Add("$n", SqliteType.Integer);
        foreach (var (value, count) in values)
        {
            pv.SqliteType = value switch { long => SqliteType.Integer, double => SqliteType.Real, string => SqliteType.Text, _ => SqliteType.Blob };
            pv.Value = value ?? DBNull.Value;
            pn.Value = count;
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>The cached whole-table counts of a column's values, or null when the column has too many values to cache.</summary>
    public static List<(object? Value, long Count)>? ReadFacetValues(SqliteConnection conn, string table, string column)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT v.value, v.count FROM _trawl_facet_stats s LEFT JOIN _trawl_facet_values v ON v."table" = s."table" AND v."column" = s."column"
            WHERE s."table" = $t AND s."column" = $c AND s.capped = 0
            """;
        cmd.Parameters.AddWithValue("$t", table);
        cmd.Parameters.AddWithValue("$c", column);
        using var r = cmd.ExecuteReader();
        List<(object?, long)>? list = null;
        while (r.Read())
        {
            list ??= [];
            if (!r.IsDBNull(1))
                list.Add((r.IsDBNull(0) ? null : r.GetValue(0), r.GetInt64(1)));
        }
        return list;
    }

    public static List<(string Column, long Distinct, bool Capped)> ReadFacetStats(SqliteConnection conn, string table)
    {
        var list = new List<(string, long, bool)>();
        if (!HasSchema(conn))
            return list;
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """SELECT "column", distinct_count, capped FROM _trawl_facet_stats WHERE "table" = $t""";
        cmd.Parameters.AddWithValue("$t", table);
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add((r.GetString(0), r.GetInt64(1), r.GetInt64(2) != 0));
        return list;
    }
}
