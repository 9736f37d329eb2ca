using System.Text;
using System.Text.RegularExpressions;
using Trawl.ClickHouse.Engines;
using Trawl.ClickHouse.Push;
using Trawl.ClickHouse.Queries;
using Trawl.ClickHouse.Sql;
using Trawl.ClickHouse.Tests.Engines;
using Trawl.Store;
using Trawl.Store.Queries;

namespace Trawl.ClickHouse.Tests.Queries;

/// <summary>The server's full-text index: <c>trawl push</c> creates it where the server has one (chDB 26.5, not 18.16),
/// searches are written so the engine reads it (EXPLAIN lists it and skips granules), and they match exactly the rows and
/// the bm25 order the route without the index gives.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class TextIndexTests(ClickHouseServers servers, ChdbSession chdb, LaionLikeDataset data)
{
    public static readonly TheoryData<EngineKind> Kinds = new() { EngineKind.Server, EngineKind.Chdb };

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Push_puts_the_index_on_the_search_columns_where_the_server_has_one(EngineKind kind)
    {
        using var engine = Engines.Engines.NewDatabase(kind, servers, chdb, "textidx");
        bool has = SqlDialect.For(engine.Version).HasTextIndex;
        Assert.Equal(kind == EngineKind.Chdb, has);
        var report = DatasetPush.Run(engine, data.Dataset, new PushRequest { Columns = ["url", "caption", "NSFW"], VectorSets = [] });
        var indexes = engine.Query(has
            ? $"SELECT name, type FROM system.data_skipping_indices WHERE database = {ClickHouseSql.String(engine.Database)} AND table = 'laion'"
            : "SELECT 'none', 'none' WHERE 0").Rows.Select(r => $"{r[0]} {r[1]}").ToList();
        if (has)
        {
            // caption is the search column, so url and NSFW get no index.
            Assert.Equal(["caption"], report.TextIndexed);
            Assert.Equal(["trawl_words_caption text"], indexes);
            Assert.True(ClickHouseTable.Open(engine, "laion").HasTextIndex("caption"));
        }
        else
        {
            Assert.Empty(report.TextIndexed);
            Assert.False(ClickHouseTable.Open(engine, "laion").HasTextIndex("caption"));
            using var other = Engines.Engines.NewDatabase(kind, servers, chdb, "textidx");
            var refused = Assert.Throws<UserErrorException>(() => DatasetPush.Run(other, data.Dataset, new PushRequest { Columns = ["caption"], VectorSets = [], TextIndex = PushTextIndex.On }));
            Assert.Contains("no full-text (text) index", refused.Message);
        }

        // Off: no index on any server; auto on a table with several text columns and no caption would index all of them.
        using var off = Engines.Engines.NewDatabase(kind, servers, chdb, "textidx");
        Assert.Empty(DatasetPush.Run(off, data.Dataset, new PushRequest { Columns = ["caption"], VectorSets = [], TextIndex = PushTextIndex.Off }).TextIndexed);
        Assert.False(ClickHouseTable.Open(off, "laion").HasTextIndex("caption"));
        if (has)
        {
            using var noCaption = Engines.Engines.NewDatabase(kind, servers, chdb, "textidx");
            Assert.Equal(["url", "NSFW"], DatasetPush.Run(noCaption, data.Dataset, new PushRequest { Columns = ["url", "NSFW", "width"], VectorSets = [] }).TextIndexed);
        }
    }

    private static readonly string[] Vocabulary = ["cat", "dog", "red", "car", "beach", "sunset", "city", "night", "tree", "fish"];

    private static readonly string[] Odd =
    [
        "a cat", "Cat.", "the CAT's toy", "catalog", "concat", "red car", "a red, car", "RED  car!", "red carpet", "car red",
        "Château de nuit", "château", "chateau", "東京 tower", "東京タワー", "red—car", "naïve ZEBRA", "Ünïcode über_alles", "",
    ];

    /// <summary>Two copies of one table on chDB, one with our text index and one without, in small granules and three parts.
    /// Rows 0..Odd.Length-1 are edge cases; the rest are random words with a rare word "zebra" in one row of 2,000.</summary>
    private static (ClickHouseTable Indexed, ClickHouseTable Plain, IClickHouseEngine Engine) Twins(ChdbSession chdb)
    {
        var engine = chdb.NewDatabase("textidx");
        Assert.True(SqlDialect.For(engine.Version).HasTextIndex);
        var rng = new Random(11);
        var captions = new List<string?>(Odd);
        for (int i = captions.Count; i < 20_000; i++)
        {
            var words = Enumerable.Range(0, rng.Next(1, 9)).Select(_ => Vocabulary[rng.Next(Vocabulary.Length)]).ToList();
            if (i % 2_000 == 7)
                words.Insert(rng.Next(words.Count), "Zebra");
            captions.Add(i % 97 == 0 ? null : string.Join(rng.Next(3) == 0 ? ", " : " ", words));
        }
        foreach (var (name, index) in new[] { ("indexed", ",\n    " + TextIndex.Declaration("caption", nullable: true)), ("plain", "") })
        {
            engine.Execute($"CREATE TABLE {name} (id Int64, caption Nullable(String){index}) ENGINE = MergeTree ORDER BY id SETTINGS index_granularity = 256");
            foreach (var chunk in Enumerable.Range(0, captions.Count).Chunk(7_000))
            {
                var values = new StringBuilder();
                foreach (int i in chunk)
                    values.Append(values.Length == 0 ? "" : ", ").Append($"({i}, {(captions[i] is { } c ? ClickHouseSql.String(c) : "NULL")})");
                engine.Execute($"INSERT INTO {name} VALUES {values}");
            }
        }
        return (ClickHouseTable.Open(engine, "indexed"), ClickHouseTable.Open(engine, "plain"), engine);
    }

    private static long[] Ids(ClickHouseTable table, string search) =>
        table.Page(new TableQuery { Table = table.Name, Search = search, Size = 1000, Sort = "rowid" }).Rows.Select(r => (long)r[0]!).ToArray();

    [SkippableFact]
    public void Indexed_searches_match_the_same_rows_as_the_scan_and_the_known_cases()
    {
        var (indexed, plain, engine) = Twins(chdb);
        using var _ = engine;
        Assert.True(indexed.HasTextIndex("caption"));
        Assert.False(plain.HasTextIndex("caption"));
        Assert.Equal([0L, 1, 2], Ids(indexed, "cat")[..3]);
        Assert.Equal([5L, 6, 7, 15], Ids(indexed, "\"red car\"").Where(i => i < Odd.Length));
        Assert.Equal([10L, 11], Ids(indexed, "CHÂTEAU"));
        Assert.Equal([13L], Ids(indexed, "東京"));
        Assert.Equal([2L], Ids(indexed, "cat's"));
        Assert.Equal([17L], Ids(indexed, "über"));
        Assert.Empty(Ids(indexed, "\"car red carpet\""));
        foreach (string search in new[] { "cat", "CAT", "zebra", "red car", "\"red car\"", "\"car red\"", "château", "東京", "東京タワー", "cat's",
            "naïve", "\"sunset beach\" dog", "\"city night tree\"", "beach zebra", "über alles", "nothing" })
        {
            Assert.Equal(Ids(plain, search), Ids(indexed, search));
            var query = new TableQuery { Table = "t", Search = search };
            Assert.Equal(plain.Count(query with { Table = "plain" }), indexed.Count(query with { Table = "indexed" }));
            // bm25: the same scores (row counts per term through the index) and the same order.
            var ranked = indexed.RankedIds(query with { Table = "indexed" }, 100);
            var expected = plain.RankedIds(query with { Table = "plain" }, 100);
            Assert.Equal(expected.Select(r => r.Id), ranked.Select(r => r.Id));
            Assert.Equal(expected.Select(r => r.Score), ranked.Select(r => r.Score));
        }
    }

    [SkippableFact]
    public void Explain_shows_the_index_skipping_granules_for_words_and_phrases()
    {
        var (indexed, plain, engine) = Twins(chdb);
        using var _ = engine;
        foreach (string search in new[] { "zebra", "\"zebra\" cat", "\"naïve zebra\"" })
        {
            string where = ClickHouseWhere.For(indexed, new TableQuery { Table = "indexed", Search = search }, indexed.Dialect);
            Assert.Contains(search.Contains("naïve", StringComparison.Ordinal) ? "hasPhrase(" : "hasAllTokens(", where);
            string plan = string.Join("\n", engine.Query($"EXPLAIN indexes = 1 SELECT id FROM indexed{where}").Rows.Select(r => (string)r[0]!));
            Assert.Contains("Name: trawl_words_caption", plan);
            // The granules the index leaves, out of all: zebra is in at most 11 rows of 20,000 (about 80 granules of 256 rows).
            var m = Regex.Matches(plan, @"Granules: (\d+)/(\d+)").Last();
            long left = long.Parse(m.Groups[1].Value), all = long.Parse(m.Groups[2].Value);
            Assert.True(all >= 70, plan);
            Assert.True(left is >= 1 and <= 11, plan);
            // The table without the index has nothing to skip by.
            string plainWhere = ClickHouseWhere.For(plain, new TableQuery { Table = "plain", Search = search }, plain.Dialect);
            Assert.DoesNotContain("hasAllTokens(", plainWhere);
            Assert.DoesNotContain("trawl_words_caption", string.Join("\n", engine.Query($"EXPLAIN indexes = 1 SELECT id FROM plain{plainWhere}").Rows.Select(r => (string)r[0]!)));
        }
    }
}
