using System.Text;
using Microsoft.Data.Sqlite;
using Trawl.Store.Ingest;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Ingest;

/// <summary>
/// A new table's FTS index is filled row by row beside the rows; FTS5's own integrity check (which, asked with
/// rank 1, compares the index with the content table) must pass, and searches must find what a rebuilt index finds:
/// two search columns, NULLs, numbers in a text column, a second source without one of the search columns, rows
/// dropped by --where and by dedupe, non-ASCII text.
/// </summary>
public sealed class FullTextFillTests
{
    private static string Write(TempDir temp, string name, int from, int count, bool withTitle)
    {
        var rng = new Random(from);
        string[] words = ["cat", "dog", "café", "東京", "red", "sofa", "night", "Ünïcödé"];
        var sb = new StringBuilder();
        for (int i = from; i < from + count; i++)
        {
            string caption = i % 17 == 0 ? "null" : i % 13 == 0 ? (i * 7).ToString() : "\"" + string.Join(' ', Enumerable.Range(0, 1 + rng.Next(30)).Select(_ => words[rng.Next(words.Length)])) + "\"";
            string title = withTitle ? $",\"title\":{(i % 5 == 0 ? "null" : "\"" + words[rng.Next(words.Length)] + " " + i + "\"")}" : "";
            // Every 50th row repeats the one before it (dropped by dedupe); n < 10 is dropped by --where.
            int key = i % 50 == 0 ? i - 1 : i;
            sb.Append($"{{\"key\":{key},\"n\":{i},\"caption\":{caption}{title}}}\n");
        }
        string path = temp.File(name);
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
        return path;
    }

    private static void Check(string dataset, string table, string search, long expected)
    {
        using var conn = new SqliteConnection($"Data Source={Path.Combine(dataset, "meta.db")};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"INSERT INTO {table}_fts ({table}_fts, rank) VALUES ('integrity-check', 1)";
        cmd.ExecuteNonQuery();
        cmd.CommandText = $"SELECT count(*) FROM {table}_fts WHERE {table}_fts MATCH $q";
        cmd.Parameters.AddWithValue("$q", search);
        Assert.Equal(expected, (long)cmd.ExecuteScalar()!);
    }

    private static long Rebuilt(string dataset, string table, string search)
    {
        using var conn = new SqliteConnection($"Data Source={Path.Combine(dataset, "meta.db")};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"BEGIN; INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild');";
        cmd.ExecuteNonQuery();
        cmd.CommandText = $"SELECT count(*) FROM {table}_fts WHERE {table}_fts MATCH $q";
        cmd.Parameters.AddWithValue("$q", search);
        long n = (long)cmd.ExecuteScalar()!;
        cmd.CommandText = "ROLLBACK";
        cmd.ExecuteNonQuery();
        return n;
    }

    [Theory]
    [InlineData("cat")]
    [InlineData("cafe")]
    [InlineData("東京")]
    [InlineData("title:sofa")]
    [InlineData("91")]
    [InlineData("unicode")]
    public void The_index_filled_beside_the_rows_matches_the_table(string search)
    {
        using var temp = new TempDir();
        string a = Write(temp, "a.jsonl", 0, 3000, withTitle: true);
        string b = Write(temp, "b.jsonl", 3000, 2000, withTitle: false);
        DatasetIngest.Run(temp.Dataset(), new IngestRequest
        {
            Sources = [a, b], Table = "t", SearchColumns = ["caption", "title"], Where = "n >= 10", DedupeColumns = ["key"],
        });
        long expected = Rebuilt(temp.Dataset(), "t", search);
        Assert.True(expected > 0);
        Check(temp.Dataset(), "t", search, expected);
    }
}
