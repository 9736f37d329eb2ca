using Trawl.ClickHouse.Engines;
using Trawl.ClickHouse.Queries;
using Trawl.ClickHouse.Tests.Engines;
using Trawl.Store;
using Trawl.Store.Queries;
using Trawl.Vectors;

namespace Trawl.ClickHouse.Tests.Queries;

/// <summary>The same questions asked of the embedded dataset and of its pushed copy on every engine: equal answers.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class QueryTests : IDisposable
{
    public static readonly TheoryData<EngineKind> Kinds = new() { EngineKind.Server, EngineKind.Cluster, EngineKind.Chdb };
    private static PushedTables? _tables;
    private readonly LaionLikeDataset _data;

    public QueryTests(ClickHouseServers servers, ChdbSession chdb, LaionLikeDataset data)
    {
        _data = data;
        _tables ??= new PushedTables(servers, chdb, data);
    }

    public void Dispose()
    {
    }

    private static readonly TableQuery[] Questions =
    [
        new() { Table = "laion" },
        new() { Table = "laion", Search = "cat" },
        new() { Table = "laion", Search = "Cat DOG" },
        new() { Table = "laion", Search = "tree", Filters = [new ColumnFilter("NSFW", FilterOp.Exact, "UNLIKELY")] },
        new() { Table = "laion", Filters = [new ColumnFilter("similarity", FilterOp.Gt, "0.3")] },
        new() { Table = "laion", Filters = [new ColumnFilter("width", FilterOp.IsNull, "1")] },
        new() { Table = "laion", Filters = [new ColumnFilter("width", FilterOp.Lte, "500"), new ColumnFilter("NSFW", FilterOp.In, "NSFW,UNSURE")] },
        new() { Table = "laion", Filters = [new ColumnFilter("url", FilterOp.StartsWith, "https://img1.")] },
        new() { Table = "laion", Filters = [new ColumnFilter("caption", FilterOp.Contains, "o'brien")] },
        new() { Table = "laion", Filters = [new ColumnFilter("NSFW", FilterOp.Not, "NSFW")] },
    ];

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Counts_equal_the_embedded_stores(EngineKind kind)
    {
        var (_, table) = _tables!.For(kind);
        foreach (var q in Questions)
            Assert.True(_data.Dataset.CountRows(q) == table.Count(q), $"{Describe(q)}: embedded {_data.Dataset.CountRows(q)}, {kind} {table.Count(q)}");
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Facets_equal_the_embedded_stores(EngineKind kind)
    {
        var (_, table) = _tables!.For(kind);
        foreach (var q in Questions)
        {
            foreach (string column in new[] { "NSFW", "width" })
            {
                var embedded = _data.Dataset.Facet(q, column, 10_000).Values.Select(v => (v.Value?.ToString(), v.Count)).OrderBy(v => v).ToList();
                var pushed = table.Facet(q, column, 10_000).Values.Select(v => (v.Value?.ToString(), v.Count)).OrderBy(v => v).ToList();
                Assert.Equal(embedded, pushed);
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Sorted_pages_equal_the_embedded_stores(EngineKind kind)
    {
        var (_, table) = _tables!.For(kind);
        var q = new TableQuery { Table = "laion", Search = "red", Sort = "similarity", SortDescending = true, Size = 25 };
        var embedded = _data.Dataset.QueryRows(q, count: false);
        var pushed = table.Page(q);
        Assert.Equal(embedded.Rows.Select(r => (long)r[0]!), pushed.Rows.Select(r => (long)r[0]!));
        var second = table.Page(q, pushed.Next);
        var embeddedSecond = _data.Dataset.QueryRows(q with { Next = embedded.Next }, count: false);
        Assert.Equal(embeddedSecond.Rows.Select(r => (long)r[0]!), second.Rows.Select(r => (long)r[0]!));
    }

    public static readonly string[] RankedSearches = ["dog", "Cat DOG", "red blue red", "\"red blue\"", "tree fish", "slash", "o brien"];

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Searches_are_ranked_by_bm25_as_the_embedded_store_ranks_them(EngineKind kind)
    {
        var (_, table) = _tables!.For(kind);
        foreach (string search in RankedSearches)
        {
            var q = new TableQuery { Table = "laion", Search = search, Size = 30 };
            var embedded = new List<long>();
            var pushed = new List<long>();
            string? next = null;
            do
            {
                var page = _data.Dataset.QueryRows(q with { Next = next }, count: false);
                Assert.Equal(PageOrdering.Relevance, page.Ordering);
                embedded.AddRange(page.Rows.Select(r => (long)r[0]!));
                next = page.Next;
            }
            while (next is not null);
            KeysetCursor? after = null;
            do
            {
                var page = table.Page(q, after);
                pushed.AddRange(page.Rows.Select(r => (long)r[0]!));
                after = page.Next is null ? null : KeysetCursor.Decode(page.Next.Encode());
                Assert.True(pushed.Count <= LaionLikeDataset.Rows, "paging does not end");
            }
            while (after is not null);
            Assert.True(embedded.Count > 30, $"'{search}' should match more than one page");
            Assert.Equal(embedded, pushed);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Bm25_scores_equal_fts5s(EngineKind kind)
    {
        var (_, table) = _tables!.For(kind);
        string fts = _data.Dataset.ExecuteSql("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%'").Rows.Single()[0]!.ToString()!;
        foreach (var (search, match) in new[] { ("Cat DOG", "cat dog"), ("\"red blue\" tree", "\"red blue\" tree") })
        {
            var expected = _data.Dataset.ExecuteSql($"SELECT rowid, -bm25(\"{fts}\") FROM \"{fts}\" WHERE \"{fts}\" MATCH '{match.Replace("'", "''")}' ORDER BY rank, rowid LIMIT 50",
                new Store.Sql.SqlOptions { MaxRows = 50 }).Rows.Select(r => ((long)r[0]!, (double)r[1]!)).ToList();
            var ranked = table.RankedIds(new TableQuery { Table = "laion", Search = search }, 50);
            Assert.Equal(expected.Select(e => e.Item1), ranked.Select(r => r.Id));
            for (int i = 0; i < expected.Count; i++)
                Assert.True(Math.Abs(expected[i].Item2 - ranked[i].Score) <= 1e-9 * Math.Abs(expected[i].Item2), $"{search} #{i}: FTS5 {expected[i].Item2}, {kind} {ranked[i].Score}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Exact_knn_with_search_and_filters_matches_a_brute_force_oracle(EngineKind kind)
    {
        var (_, table) = _tables!.For(kind);
        var filter = new TableQuery { Table = "laion", Search = "cat", Filters = [new ColumnFilter("NSFW", FilterOp.Not, "NSFW")] };
        var allowed = _data.Dataset.StreamRows(filter, out _).Select(r => (long)r[0]!).ToHashSet();
        float[] query = _data.ImageRow(5).ToArray();
        foreach (var metric in new[] { VectorMetric.InnerProduct, VectorMetric.Cosine, VectorMetric.L2 })
        {
            var expected = Oracle(query, metric, allowed, 30);
            var hits = table.Knn("image_embedding", query, 30, metric, filter);
            Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Id));
            for (int i = 0; i < hits.Count; i++)
                Assert.True(Math.Abs(expected[i].Score - hits[i].Score) < 1e-4, $"{metric} #{i}: {expected[i].Score} vs {hits[i].Score}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Knn_agrees_with_the_embedded_exact_search(EngineKind kind)
    {
        var (_, table) = _tables!.For(kind);
        float[] query = _data.Text.AsSpan(9 * LaionLikeDataset.Dimension, LaionLikeDataset.Dimension).ToArray();
        var set = _data.Dataset.ListVectorSets().Single(s => s.Name == "image");
        var metric = set.Metric;
        var embedded = _data.Dataset.Knn(new Store.VectorSets.KnnQuery { VectorSet = "image", Vector = query, K = 30, Exact = true });
        var hits = table.Knn("image_embedding", query, 30, metric);
        Assert.Equal(embedded.Rows.Select(r => (long)r[0]!), hits.Select(h => h.Id));
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Sql_is_read_only_and_limited(EngineKind kind)
    {
        var (_, table) = _tables!.For(kind);
        var (result, truncated) = table.Sql("SELECT id, caption FROM laion ORDER BY id", TimeSpan.FromSeconds(10), 7);
        Assert.Equal(7, result.Rows.Count);
        Assert.True(truncated);
        Assert.Throws<UserErrorException>(() => table.Sql("DROP TABLE laion", TimeSpan.FromSeconds(5), 10));
        Assert.Throws<UserErrorException>(() => table.Sql("SELECT 1; DROP TABLE laion", TimeSpan.FromSeconds(5), 10));
        Assert.Throws<UserErrorException>(() => table.Sql("SELECT 1 FORMAT CSV", TimeSpan.FromSeconds(5), 10));
        // The engine's own guard, for what our check lets through: a table function that writes is refused under readonly=1.
        var write = Assert.Throws<ClickHouseException>(() => table.Sql("SELECT * FROM numbers(3) SETTINGS readonly = 0", TimeSpan.FromSeconds(5), 10));
        Assert.Contains("readonly", write.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("laion; DROP", table.Sql("SELECT 'laion; DROP' AS x", TimeSpan.FromSeconds(5), 10).Result.Rows[0][0]);
        Assert.Throws<UserErrorException>(() => table.Sql("SELECT 1 -- ; DROP TABLE laion", TimeSpan.FromSeconds(5), 10));
        // About 3 s of sleeping against a 1 s limit. One 18.16 server checks the limit between blocks, so there the
        // sleep is spread over the blocks of a join (the cluster refuses joins of two Distributed tables: 1.5 s per shard).
        string slowSql = kind == EngineKind.Server
            ? "SELECT count() FROM laion AS a CROSS JOIN laion AS b WHERE sleepEachRow(0.000003) = 0"
            : "SELECT sleepEachRow(0.0029) FROM laion";
        var slow = Assert.Throws<ClickHouseException>(() => table.Sql(slowSql, TimeSpan.FromSeconds(1), 10));
        Assert.Equal(159, slow.Code);
        Assert.Equal(LaionLikeDataset.Rows, table.Count(new TableQuery { Table = "laion" }));
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void The_store_contracts_answer_as_the_embedded_dataset_does(EngineKind kind)
    {
        var (engine, _) = _tables!.For(kind);
        var source = new Trawl.ClickHouse.Datasets.ClickHouseDataset(engine, "clickhouse://test"); // not disposed: the engine is shared
        var table = Assert.Single(source.ListTables());
        var embeddedTable = _data.Dataset.GetTable("laion");
        Assert.Equal(embeddedTable.RowCount, table.RowCount);
        Assert.Equal(embeddedTable.Columns.Select(c => (c.Name, c.SqlType)), table.Columns.Select(c => (c.Name, c.SqlType)));

        var q = new TableQuery { Table = "laion", Search = "dog", Size = 40 };
        var first = source.QueryRows(q);
        var embedded = _data.Dataset.QueryRows(q);
        Assert.Equal("rowid", first.Columns[0]);
        Assert.Equal(PageOrdering.Relevance, embedded.Ordering);
        Assert.Equal(PageOrdering.Relevance, first.Ordering);
        Assert.Equal(embedded.Count, first.Count);
        Assert.Equal(embedded.Rows.Select(r => r[0]), first.Rows.Select(r => r[0]));
        var second = source.QueryRows(q with { Next = first.Next });
        Assert.Equal(_data.Dataset.QueryRows(q with { Next = embedded.Next }).Rows.Select(r => r[0]), second.Rows.Select(r => r[0]));
        var byId = source.QueryRows(q with { Sort = "rowid" });
        Assert.Equal(PageOrdering.RowId, byId.Ordering);
        Assert.Equal(_data.Dataset.QueryRows(q with { Sort = "rowid" }).Rows.Select(r => r[0]), byId.Rows.Select(r => r[0]));

        var h1 = _data.Dataset.Histogram(q, "similarity", 7);
        var h2 = source.Histogram(q, "similarity", 7);
        Assert.Equal(h1.Bins.Select(b => b.Count), h2.Bins.Select(b => b.Count));
        Assert.Equal(h1.NullCount, h2.NullCount);

        var filter = new TableQuery { Table = "laion", Search = "tree", Filters = [new ColumnFilter("width", FilterOp.Gt, "300")] };
        Assert.Equal(_data.Dataset.MatchingRows(filter, LaionLikeDataset.Rows)!.Positions(), source.MatchingRows(filter, LaionLikeDataset.Rows)!.Positions());

        var set = source.ChooseVectorSet("image");
        Assert.Equal(_data.Dataset.ChooseVectorSet("image").Metric, set.Metric);
        var knn = source.Knn(new Store.VectorSets.KnnQuery { VectorSet = "image", Row = 17, K = 20, Filter = filter });
        var knnEmbedded = _data.Dataset.Knn(new Store.VectorSets.KnnQuery { VectorSet = "image", Row = 17, K = 20, Filter = filter, Exact = true });
        Assert.Equal(knnEmbedded.Rows.Select(r => r[0]), knn.Rows.Select(r => r[0]));
        for (int i = 0; i < knn.Similarities.Count; i++)
            Assert.True(Math.Abs(knnEmbedded.Similarities[i] - knn.Similarities[i]) < 1e-4);
        Assert.Throws<UserErrorException>(() => source.QueryRows(q with { SearchMode = SearchMode.Raw }));
    }

    [SkippableFact]
    public void Chdb_vector_similarity_index_answers_knn_with_high_recall()
    {
        var (engine, table) = _tables!.For(EngineKind.Chdb);
        Assert.True(table.Dialect.HasVectorSimilarityIndex);
        engine.Execute("CREATE TABLE laion_hnsw (id Int64, image_embedding Array(Float32), INDEX vi image_embedding TYPE vector_similarity('hnsw', 'cosineDistance', 16)) ENGINE = MergeTree ORDER BY id");
        engine.Execute("INSERT INTO laion_hnsw SELECT id, image_embedding FROM laion");
        var hnsw = ClickHouseTable.Open(engine, "laion_hnsw");
        int found = 0, wanted = 0;
        for (int row = 0; row < 20; row++)
        {
            float[] q = _data.Text.AsSpan(row * LaionLikeDataset.Dimension, LaionLikeDataset.Dimension).ToArray();
            var exact = Oracle(q, VectorMetric.Cosine, null, 30).Select(h => h.Id).ToHashSet();
            var approx = hnsw.Knn("image_embedding", q, 30, VectorMetric.Cosine);
            found += approx.Count(h => exact.Contains(h.Id));
            wanted += 30;
        }
        Assert.True(found >= 0.9 * wanted, $"recall@30 {found}/{wanted}");
        string plan = string.Join("\n", engine.Query("EXPLAIN indexes = 1 SELECT id FROM laion_hnsw ORDER BY cosineDistance(image_embedding, "
            + Sql.ClickHouseSql.Float32Array(_data.ImageRow(0)) + ") LIMIT 30").Rows.Select(r => r[0]));
        Assert.Contains("vi", plan);
    }

    private List<KnnHit> Oracle(float[] q, VectorMetric metric, HashSet<long>? allowed, int k) =>
        ExactKnn.Top(i => _data.ImageRow(i), q, metric, allowed, k);

    private static string Describe(TableQuery q) =>
        $"search '{q.Search}' filters {string.Join(", ", q.Filters.Select(f => $"{f.Column} {f.Op} {f.Value}"))}";
}
