using Microsoft.Data.Sqlite;

namespace Trawl.Store.Attributes;

/// <summary>
/// The spans of span attributes (PII, toxic, duplicate-paragraph spans), one row per span in
/// <c>_trawl_spans</c>: the table, the attribute, the document's rowid, character offsets into its text and
/// the score. The documents' table holds each span attribute's count as a column.
/// </summary>
public static class AttributeSpans
{
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS _trawl_spans (
            "table" TEXT NOT NULL, attribute TEXT NOT NULL, row INTEGER NOT NULL,
            start INTEGER NOT NULL, "end" INTEGER NOT NULL, score REAL);
        CREATE INDEX IF NOT EXISTS _trawl_spans_by_row ON _trawl_spans ("table", row);
        """;

    /// <summary>One stored span.</summary>
    public sealed record StoredSpan(string Attribute, long Start, long End, double? Score);

    internal static void EnsureSchema(SqliteConnection conn)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = Schema;
        cmd.ExecuteNonQuery();
    }

    /// <summary>The spans of one row, by start; empty when the dataset has none.</summary>
    public static List<StoredSpan> Read(SqliteConnection conn, string table, long rowid)
    {
        var spans = new List<StoredSpan>();
        using var exists = conn.CreateCommand();
        exists.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_trawl_spans'";
        if (exists.ExecuteScalar() is null)
            return spans;
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """SELECT attribute, start, "end", score FROM _trawl_spans WHERE "table" = $t AND row = $r ORDER BY start, "end", attribute""";
        cmd.Parameters.AddWithValue("$t", table);
        cmd.Parameters.AddWithValue("$r", rowid);
        using var r = cmd.ExecuteReader();
        while (r.Read())
            spans.Add(new StoredSpan(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetDouble(3)));
        return spans;
    }
}
