using Trawl.ClickHouse.Queries;
using Trawl.ClickHouse.Tests.Engines;
using Trawl.Store;
using Trawl.Store.Queries;

namespace Trawl.ClickHouse.Tests.Queries;

/// <summary>Search semantics (whole words, phrases, case and non-ASCII letters) and keyset pages on both engine versions.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class SearchAndPagingTests(ClickHouseServers servers, ChdbSession chdb)
{
    public static readonly TheoryData<EngineKind> Kinds = new() { EngineKind.Server, EngineKind.Chdb };

    private static readonly string[] Captions =
    [
        "a cat", "Cat.", "the CAT's toy", "catalog", "concat", "red car", "a red, car", "RED  car!", "red carpet", "car red",
        "Château de nuit", "château", "chateau", "東京 tower", "東京タワー",
    ];

    private static readonly float?[] Scores = [0.1f, null, 0.1f, 0.3f, null, -0.5f, 0.1f, 0.3f, 2.5f, null, 0.1f, -0.5f, 1e-7f, 0.3f, 0.1f];

    private static ClickHouseTable Load(EngineKind kind, ClickHouseServers servers, ChdbSession chdb)
    {
        var engine = Engines.Engines.NewDatabase(kind, servers, chdb, "searchpage");
        engine.Execute("CREATE TABLE t (id Int64, caption String, score Nullable(Float32)) ENGINE = MergeTree ORDER BY id");
        // Three inserts: three parts, so pages cross parts.
        foreach (var chunk in Enumerable.Range(0, Captions.Length).Chunk(5))
        {
            engine.Execute("INSERT INTO t VALUES " + string.Join(", ", chunk.Select(i =>
                $"({i}, {Sql.ClickHouseSql.String(Captions[i])}, {(Scores[i] is { } s ? $"toFloat32({Sql.ClickHouseSql.Float64(s)})" : "NULL")})")));
        }
        return ClickHouseTable.Open(engine, "t");
    }

    private static long[] Ids(ClickHouseTable table, string search) =>
        table.Page(new TableQuery { Table = "t", Search = search, Size = 1000 }).Rows.Select(r => (long)r[0]!).Order().ToArray();

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Search_matches_whole_words_and_phrases_in_any_case(EngineKind kind)
    {
        var table = Load(kind, servers, chdb);
        Assert.Equal([0L, 1, 2], Ids(table, "cat"));
        Assert.Equal([0L, 1, 2], Ids(table, "CAT"));
        Assert.Equal([5L, 6, 7], Ids(table, "\"red car\""));
        Assert.Equal([5L, 6, 7, 9], Ids(table, "red car"));
        Assert.Equal([10L, 11], Ids(table, "château"));
        Assert.Equal([10L, 11], Ids(table, "CHÂTEAU"));
        Assert.Equal([13L], Ids(table, "東京"));
        Assert.Equal([2L], Ids(table, "cat's"));
        Assert.Empty(Ids(table, "\"car red carpet\""));
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Keyset_pages_over_a_float32_column_with_ties_and_nulls_visit_every_row_once(EngineKind kind)
    {
        var table = Load(kind, servers, chdb);
        foreach (bool descending in new[] { false, true })
        {
            var expected = Enumerable.Range(0, Captions.Length)
                .OrderBy(i => Scores[i].HasValue ? 1 : 0).ThenBy(i => Scores[i] ?? 0).ThenBy(i => i)
                .Select(i => (long)i).ToList();
            if (descending)
                expected.Reverse();
            var seen = new List<long>();
            KeysetCursor? after = null;
            int pages = 0;
            do
            {
                var page = table.Page(new TableQuery { Table = "t", Sort = "score", SortDescending = descending, Size = 2 }, after);
                seen.AddRange(page.Rows.Select(r => (long)r[0]!));
                // Through the text form, as _next carries it.
                after = page.Next is null ? null : KeysetCursor.Decode(page.Next.Encode());
                Assert.True(++pages <= Captions.Length, "paging does not end");
            }
            while (after is not null);
            Assert.Equal(expected, seen);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void A_cursor_from_another_sort_is_a_user_error(EngineKind kind)
    {
        var table = Load(kind, servers, chdb);
        var bySort = table.Page(new TableQuery { Table = "t", Sort = "score", Size = 2 }).Next!;
        var byId = table.Page(new TableQuery { Table = "t", Size = 2 }).Next!;
        Assert.Throws<UserErrorException>(() => table.Page(new TableQuery { Table = "t", Size = 2 }, bySort));
        Assert.Throws<UserErrorException>(() => table.Page(new TableQuery { Table = "t", Sort = "score", Size = 2 }, byId));
        Assert.Throws<UserErrorException>(() => table.Page(new TableQuery { Table = "t", Sort = "caption", Size = 2 }, bySort));
        Assert.Throws<UserErrorException>(() => table.Page(new TableQuery { Table = "t", Sort = "score", SortDescending = true, Size = 2 }, bySort));
    }

    [Theory]
    [InlineData("")]
    [InlineData("k")]
    [InlineData("o40")]
    [InlineData("k!!!")]
    [InlineData("kAAAA")]
    [InlineData("kBwAAAAAAAAAA")]
    [InlineData("kAwAAAAAAAAAAAAAAAAAA-H8")]
    public void Cursors_that_are_not_ours_are_user_errors(string text) =>
        Assert.Throws<UserErrorException>(() => KeysetCursor.Decode(text));

    [Fact]
    public void Cursors_round_trip_every_kind_of_value()
    {
        foreach (var c in new[]
        {
            KeysetCursor.After(5, "+", false, null), KeysetCursor.After(-1, "-w", true, null), KeysetCursor.After(long.MaxValue, "+w", true, long.MinValue),
            KeysetCursor.After(7, "+s", true, -0.1), KeysetCursor.After(7, "-s", true, double.NegativeInfinity), KeysetCursor.After(8, "+c`o'l 🐟", true, "it's 東京 \"x\""),
            KeysetCursor.After(9, "+c", true, ""),
        })
        {
            Assert.Equal(c, KeysetCursor.Decode(c.Encode()));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Knn_dedupe_drops_neighbours_too_similar_to_a_better_one(EngineKind kind)
    {
        var engine = Engines.Engines.NewDatabase(kind, servers, chdb, "dedupe");
        engine.Execute("CREATE TABLE t (id Int64, caption String, v_embedding Array(Float32)) ENGINE = MergeTree ORDER BY id");
        // Row 1 is nearly row 0 (cosine 0.995); the others are far from both.
        engine.Execute("INSERT INTO t VALUES (0, 'a', [1, 0, 0]), (1, 'b', [0.99, 0.1, 0]), (2, 'c', [0, 1, 0]), (3, 'd', [0.7, 0.7, 0]), (4, 'e', [0, 0, 1])");
        using var ds = new Datasets.ClickHouseDataset(engine, "dedupe");
        var plain = ds.Knn(new Store.VectorSets.KnnQuery { VectorSet = "v", Vector = [1, 0, 0], K = 3 });
        Assert.Equal([0L, 1, 3], plain.Rows.Select(r => (long)r[0]!));
        var deduped = ds.Knn(new Store.VectorSets.KnnQuery { VectorSet = "v", Vector = [1, 0, 0], K = 3, Deduplicate = true });
        Assert.Equal([0L, 3, 2], deduped.Rows.Select(r => (long)r[0]!));
        Assert.Equal(1, deduped.Dropped);
        Assert.Equal(1.0, deduped.Similarities[0], 4);
        Assert.Equal(Math.Sqrt(0.5), deduped.Similarities[1], 4);
    }
}
