namespace Trawl.Store.Sql;

/// <summary>Quoting of SQLite identifiers: names come from data files and users, so they are never spliced in bare.</summary>
internal static class SqlNames
{
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    /// <summary>A SQL string literal (for names inside FTS5 options and bookkeeping, never for user values).</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''") + "'";
}
