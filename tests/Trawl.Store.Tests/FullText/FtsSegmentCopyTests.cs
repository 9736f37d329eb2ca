using Microsoft.Data.Sqlite;
using Trawl.Store.Columns;
using Trawl.Store.FullText;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.FullText;

/// <summary>
/// An index built in two halves (runs of rows alternating between the table's index and a side index in another
/// database, each with several segments, one with crisis-merged levels) and joined by <see cref="FtsSegmentCopy"/>
/// answers exactly as one index built over all rows: FTS5's integrity check against the content table, MATCH rows for
/// terms, phrases, prefixes, column filters and boolean queries, bm25 scores and order, the leaf scan the ranking
/// files are made from; and it keeps working when rows are added to it afterwards.
/// </summary>
public sealed class FtsSegmentCopyTests
{
    private static readonly string[] Words = ["cat", "dog", "café", "naïve", "東京", "the", "a", "zebra", "x1", "Ünïcödé", "sofa", "night", "catalog", "dogma"];
    private static readonly string[] Queries =
    [
        "cat", "cafe", "東京", "the", "zebra", "unicode", "x1", "\"the cat\"", "\"sofa night\"", "cat*", "dog*", "ca*",
        "b : sofa", "a : night", "cat AND dog", "cat OR zebra", "cat NOT dog", "NEAR(cat dog, 2)", "catalog", "nothinglikeit",
    ];

    private static void Exec(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static (string A, object B) Row(Random rng) =>
    (
        rng.Next(40) == 0
            ? string.Join(' ', Enumerable.Repeat(Words[rng.Next(Words.Length)], 200 + rng.Next(2000)))
            : string.Join(' ', Enumerable.Range(0, rng.Next(50)).Select(_ => Words[rng.Next(rng.Next(3) == 0 ? 3 : Words.Length)])),
        rng.Next(4) == 0 ? DBNull.Value : Words[rng.Next(Words.Length)] + " " + Words[rng.Next(Words.Length)]
    );

    private static void Insert(SqliteConnection conn, string table, long rowid, (string A, object B) row)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"INSERT INTO {table} (rowid, a, b) VALUES ($id, $a, $b)";
        cmd.Parameters.AddWithValue("$id", rowid);
        cmd.Parameters.AddWithValue("$a", row.A);
        cmd.Parameters.AddWithValue("$b", row.B);
        cmd.ExecuteNonQuery();
    }

    private static List<(long Row, double Score)> Match(SqliteConnection conn, string fts, string query)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT rowid, bm25({fts}) FROM {fts} WHERE {fts} MATCH $q ORDER BY rank, rowid";
        cmd.Parameters.AddWithValue("$q", query);
        var rows = new List<(long, double)>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            rows.Add((reader.GetInt64(0), reader.GetDouble(1)));
        return rows;
    }

    private static List<(string Term, long Row, long Count)> Leaves(SqliteConnection conn, string fts)
    {
        var list = new List<(string, long, long)>();
        FtsLeafScan.Scan(conn.Handle!, "main", fts, "", (t, r, c) => list.Add((Convert.ToHexString(t), r, c)), CancellationToken.None);
        return list;
    }

    private static void AssertSameIndex(SqliteConnection conn, string fts, string oracle)
    {
        Exec(conn, $"INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 1)");
        foreach (string q in Queries)
            Assert.Equal(Match(conn, oracle, q), Match(conn, fts, q));
        Exec(conn, "SAVEPOINT flush; RELEASE flush");
        Assert.Equal(Leaves(conn, oracle), Leaves(conn, fts));
    }

    [Theory]
    [InlineData(4050, 50_000, 16, 37)]
    [InlineData(64, 20_000, 16, 11)]
    [InlineData(200, 8_000, 3, 5)]
    [InlineData(200, 8_000, 16, 5)]
    [InlineData(64, 20_000, 3, 11)]
    [InlineData(4050, 8_000, 3, 37)]
    public void Two_halves_joined_answer_as_one_index(int pageSize, int hashSize, int sideCrisisMerge, int runRows)
    {
        using var temp = new TempDir();
        using var conn = new SqliteConnection($"Data Source={temp.File("x.db")};Pooling=False");
        conn.Open();
        string tokenizer = $"tokenize='{FtsIndexOptions.Tokenizer}'";
        Exec(conn, "CREATE TABLE t (rowid INTEGER PRIMARY KEY, a TEXT, b TEXT)");
        Exec(conn, $"CREATE VIRTUAL TABLE f USING fts5(a, b, content='t', content_rowid='rowid', {tokenizer})");
        Exec(conn, $"CREATE VIRTUAL TABLE g USING fts5(a, b, content='t', content_rowid='rowid', {tokenizer})");
        foreach (string setting in new[] { $"('pgsz', {pageSize})", $"('hashsize', {hashSize})", "('automerge', 0)" })
            Exec(conn, $"INSERT INTO f (f, rank) VALUES {setting}");
        Exec(conn, $"INSERT INTO g (g, rank) VALUES ('pgsz', {pageSize})");

        using var side = new SqliteConnection("Data Source=;Pooling=False");
        side.Open();
        Exec(side, $"CREATE VIRTUAL TABLE s USING fts5(a, b, content='', {tokenizer})");
        foreach (string setting in new[] { $"('pgsz', {pageSize})", $"('hashsize', {hashSize})", "('automerge', 0)", $"('crisismerge', {sideCrisisMerge})" })
            Exec(side, $"INSERT INTO s (s, rank) VALUES {setting}");

        var rng = new Random(pageSize + hashSize);
        Exec(conn, "BEGIN");
        Exec(side, "BEGIN");
        long rowid = 5;
        for (int i = 0; i < 3000; i++)
        {
            rowid += 1 + rng.Next(3);
            var row = Row(rng);
            Insert(conn, "t", rowid, row);
            if ((i / runRows) % 2 == 0)
                Insert(conn, "f", rowid, row);
            else
                Insert(side, "s", rowid, row);
        }
        Exec(side, "COMMIT");
        // (A savepoint makes FTS5 write its pending terms, as the copy itself does first.)
        Exec(conn, "SAVEPOINT flush; RELEASE flush");
        var mainStructure = FtsStructure.Read(conn.Handle!, "f_data");
        var sideStructure = FtsStructure.Read(side.Handle!, "s_data");
        Assert.True(sideStructure.Segments.Count() > 1);
        if (sideCrisisMerge < FtsStructure.CrisisMerge)
            Assert.True(sideStructure.Levels.Count(l => l.Segments.Count > 0) > 1);

        FtsSegmentCopy.Append(conn.Handle!, "f", side.Handle!, "s", CancellationToken.None);
        var joined = FtsStructure.Read(conn.Handle!, "f_data");
        Assert.Equal(mainStructure.Segments.Count() + sideStructure.Segments.Count(), joined.Segments.Count());
        Assert.Equal(joined.Segments.Count(), joined.Segments.Select(x => x.Id).Distinct().Count());
        Assert.All(joined.Levels, l => Assert.True(l.Segments.Count < FtsStructure.CrisisMerge));
        Exec(conn, "INSERT INTO g (g) VALUES ('rebuild')");
        // The same connection, in the same transaction, sees the joined index (its cached structure was dropped).
        AssertSameIndex(conn, "f", "g");
        Exec(conn, $"INSERT INTO f (f, rank) VALUES ('automerge', {FtsIndexOptions.DefaultAutomerge})");
        Exec(conn, "COMMIT");

        // Rows added afterwards, in several transactions (segments flushed and merged as FTS5 does by default).
        for (int tx = 0; tx < 4; tx++)
        {
            Exec(conn, "BEGIN");
            for (int i = 0; i < 200; i++)
            {
                rowid += 1 + rng.Next(3);
                var row = Row(rng);
                Insert(conn, "t", rowid, row);
                Insert(conn, "f", rowid, row);
                Insert(conn, "g", rowid, row);
            }
            Exec(conn, "COMMIT");
        }
        using var again = new SqliteConnection($"Data Source={temp.File("x.db")};Pooling=False");
        again.Open();
        AssertSameIndex(again, "f", "g");
    }
}
