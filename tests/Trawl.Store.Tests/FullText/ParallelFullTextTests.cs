using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Trawl.Store.Datasets;
using Trawl.Store.FullText;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;
using Trawl.Testing;

namespace Trawl.Store.Tests.FullText;

/// <summary>
/// A new table's index built on two cores (a side index on a second thread, moved into the table's index at the end)
/// against the same rows indexed on one thread: FTS5's integrity check against the table, MATCH rows and bm25 scores
/// for terms, phrases, prefixes, column filters and boolean queries, Trawl's ranked pages, and the ranking files
/// byte for byte; then an append to both, which must still agree. Two sources (the second without one search column),
/// NULLs, numbers in a text column, rows dropped by --where, non-ASCII text.
/// </summary>
public sealed class ParallelFullTextTests
{
    private static readonly string[] Words = ["cat", "dog", "café", "東京", "red", "sofa", "night", "Ünïcödé", "catalog", "dogma", "the", "a", "woman", "beach"];
    private static readonly string[] Queries =
    [
        "cat", "cafe", "東京", "the", "unicode", "\"red sofa\"", "\"the cat\"", "cat*", "dog*", "ca*", "title : sofa", "caption : night",
        "cat AND dog", "cat OR beach", "cat NOT dog", "NEAR(cat dog, 3)", "91", "catalog", "nothinglikeit",
    ];

    private static string Write(TempDir temp, string name, int from, int count, bool withTitle, int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        for (int i = from; i < from + count; i++)
        {
            object? caption = i % 17 == 0 ? null : i % 13 == 0 ? i * 7
                : string.Join(' ', Enumerable.Range(0, 1 + rng.Next(rng.Next(8) == 0 ? 400 : 40)).Select(_ => Words[rng.Next(rng.Next(3) == 0 ? 4 : Words.Length)]));
            var row = new Dictionary<string, object?> { ["n"] = i, ["caption"] = caption };
            if (withTitle)
                row["title"] = i % 5 == 0 ? null : Words[rng.Next(Words.Length)] + " " + i;
            sb.Append(JsonSerializer.Serialize(row)).Append('\n');
        }
        string path = temp.File(name);
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
        return path;
    }

    private static IngestRequest Request(string[] sources, long parallelFrom, IngestMode mode = IngestMode.Create) => new()
    {
        Sources = sources, Table = "t", SearchColumns = ["caption", "title"], Where = "n >= 10", Mode = mode,
        BatchRows = 700, ParallelIndexFromBytes = parallelFrom,
    };

    private static List<string> Match(SqliteConnection conn, string query)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT rowid, bm25(t_fts) FROM t_fts WHERE t_fts MATCH $q ORDER BY rank, rowid";
        cmd.Parameters.AddWithValue("$q", query);
        var rows = new List<string>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            rows.Add(reader.GetInt64(0) + " " + reader.GetDouble(1).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        return rows;
    }

    private static SqliteConnection Open(string dataset)
    {
        var conn = new SqliteConnection($"Data Source={Path.Combine(dataset, "meta.db")};Pooling=False");
        conn.Open();
        return conn;
    }

    private static List<string> Ranked(string dataset, string search)
    {
        using var ds = Dataset.Open(dataset);
        var page = ds.QueryRows(new TableQuery { Table = "t", Search = search, Size = 200 });
        return page.Rows.Select(r => string.Join("|", r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)))).ToList();
    }

    private static void AssertSame(string single, string parallel)
    {
        using (var a = Open(single))
        using (var b = Open(parallel))
        {
            using (var cmd = b.CreateCommand())
            {
                cmd.CommandText = "INSERT INTO t_fts (t_fts, rank) VALUES ('integrity-check', 1)";
                cmd.ExecuteNonQuery();
                cmd.CommandText = "SELECT v FROM t_fts_config WHERE k = 'automerge'";
                Assert.Equal((long)FtsIndexOptions.DefaultAutomerge, (long)cmd.ExecuteScalar()!);
            }
            foreach (string q in Queries)
                Assert.Equal(Match(a, q), Match(b, q));
        }
        foreach (string q in new[] { "cat", "woman", "cat dog", "東京", "the beach" })
            Assert.Equal(Ranked(single, q), Ranked(parallel, q));
        string columnsA = Path.Combine(single, "columns"), columnsB = Path.Combine(parallel, "columns");
        var ranking = Directory.GetFiles(columnsA, "t.termfreq*").Concat(Directory.GetFiles(columnsA, "t.doclen")).Select(f => Path.GetFileName(f)).Order().ToList();
        Assert.NotEmpty(ranking);
        Assert.Equal(ranking, Directory.GetFiles(columnsB, "t.termfreq*").Concat(Directory.GetFiles(columnsB, "t.doclen")).Select(f => Path.GetFileName(f)).Order().ToList());
        foreach (string file in ranking)
            Assert.True(File.ReadAllBytes(Path.Combine(columnsA, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(columnsB, file))), file + " differs");
        // Nothing of the side index is left in the dataset (its database was an anonymous temporary one).
        Assert.Equal(Directory.GetFiles(single, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(single, f)).Order(),
            Directory.GetFiles(parallel, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(parallel, f)).Order());
    }

    private static int Segments(string dataset)
    {
        using var conn = Open(dataset);
        return FtsStructure.Read(conn.Handle!, "t_fts_data").Segments.Count();
    }

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(150_000)]
    public void An_index_built_on_two_cores_answers_as_one_built_on_one(long parallelFrom)
    {
        Requirements.Require(FtsSideIndex.Possible, "the two-core index build needs 2 or more cores");
        using var temp = new TempDir();
        string a = Write(temp, "a.jsonl", 0, 5000, withTitle: true, seed: 1);
        string b = Write(temp, "b.jsonl", 5000, 3000, withTitle: false, seed: 2);
        string single = temp.Dataset("single"), parallel = temp.Dataset("parallel");
        Assert.Equal(0, DatasetIngest.Run(single, Request([a, b], parallelFrom: -1)).FullTextSecondThreadRows);
        var report = DatasetIngest.Run(parallel, Request([a, b], parallelFrom));
        Assert.InRange(report.FullTextSecondThreadRows, 1, report.RowsKept - 1);
        AssertSame(single, parallel);

        // An append adds its rows to the joined index (one thread, as every append) and its term-frequency segment.
        string c = Write(temp, "c.jsonl", 8000, 2000, withTitle: true, seed: 3);
        DatasetIngest.Run(single, Request([c], -1, IngestMode.Append));
        DatasetIngest.Run(parallel, Request([c], parallelFrom, IngestMode.Append));
        AssertSame(single, parallel);
    }

    [Fact]
    public void Below_the_threshold_the_index_is_built_on_one_thread()
    {
        using var temp = new TempDir();
        string a = Write(temp, "a.jsonl", 0, 2000, withTitle: true, seed: 4);
        Assert.Equal(0, DatasetIngest.Run(temp.Dataset(), Request([a], parallelFrom: 1L << 40)).FullTextSecondThreadRows);
        Assert.Equal(1, Segments(temp.Dataset()));
    }
}
