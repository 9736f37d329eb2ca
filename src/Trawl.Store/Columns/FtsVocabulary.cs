using Microsoft.Data.Sqlite;
using SQLitePCL;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Columns;

/// <summary>How many rows of an FTS5 index hold each term, from an fts5vocab table in the connection's temp schema
/// (a point lookup per term; the temp table works on read-only connections too).</summary>
internal static class FtsVocabulary
{
    public static long[] DocumentFrequencies(SqliteConnection conn, string ftsTable, IReadOnlyList<string> terms)
    {
        var db = conn.Handle!;
        string vocab = SqlNames.Quote("trawl_vocab_rows_" + ftsTable);
        RawSql.Execute(db, $"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocab} USING fts5vocab(main, {SqlNames.Quote(ftsTable)}, row)");
        var result = new long[terms.Count];
        using var stmt = RawSql.Prepare(db, $"SELECT doc FROM temp.{vocab} WHERE term = ?1");
        for (int i = 0; i < terms.Count; i++)
        {
            raw.sqlite3_reset(stmt);
            raw.sqlite3_bind_text(stmt, 1, terms[i]);
            result[i] = raw.sqlite3_step(stmt) == raw.SQLITE_ROW ? raw.sqlite3_column_int64(stmt, 0) : 0;
        }
        return result;
    }
}
