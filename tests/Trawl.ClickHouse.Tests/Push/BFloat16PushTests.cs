using Trawl.ClickHouse.Datasets;
using Trawl.ClickHouse.Engines;
using Trawl.ClickHouse.Push;
using Trawl.ClickHouse.Queries;
using Trawl.ClickHouse.Tests.Engines;
using Trawl.Store;
using Trawl.Store.Queries;
using Trawl.Store.VectorSets;
using Trawl.Vectors;

namespace Trawl.ClickHouse.Tests.Push;

/// <summary>Vector columns as Array(BFloat16) where the engine has the type (chDB 26.5), Array(Float32) where it does
/// not (the 18.16 server): push, read back, exact kNN against an oracle over the rounded vectors, a vector_similarity
/// index over the BFloat16 column, and <c>--vector-index</c> tables.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class BFloat16PushTests(ClickHouseServers servers, ChdbSession chdb, LaionLikeDataset data)
{
    private static (IClickHouseEngine Engine, ClickHouseTable Table)? _pushed;

    /// <summary>The dataset pushed to chDB with the default vector type, once.</summary>
    private (IClickHouseEngine Engine, ClickHouseTable Table) Pushed()
    {
        lock (typeof(BFloat16PushTests))
        {
            if (_pushed is { } done)
                return done;
            var engine = chdb.NewDatabase("bf16");
            var report = DatasetPush.Run(engine, data.Dataset, new PushRequest { Columns = ["caption", "NSFW"], BlockRows = 300 });
            Assert.Equal(["id Int64", "caption String", "NSFW Nullable(String)", "image_embedding Array(BFloat16)", "text_embedding Array(BFloat16)"],
                report.Columns.Select(c => $"{c.Name} {c.Type}"));
            _pushed = (engine, ClickHouseTable.Open(engine, "laion"));
            return _pushed.Value;
        }
    }

    private float[] Rounded(long row) => data.ImageRow(row).ToArray().Select(x => BFloat16.ToSingle(BFloat16.FromSingle(x))).ToArray();

    [SkippableFact]
    public void Chdb_gets_bfloat16_columns_by_default_holding_each_vector_rounded_to_nearest()
    {
        var (engine, _) = Pushed();
        var rows = engine.Query("SELECT id, image_embedding FROM laion ORDER BY id").Rows;
        Assert.Equal(LaionLikeDataset.Rows, rows.Count);
        for (int i = 0; i < rows.Count; i++)
            Assert.Equal(Rounded(i), ((object?[])rows[i][1]!).Select(o => (float)(double)o!));
        // Two bytes a component before compression (plus the arrays' offsets), half of Float32's.
        long bytes = engine.Query("SELECT sum(byteSize(image_embedding)) FROM laion").ScalarInt64();
        Assert.InRange(bytes, LaionLikeDataset.Rows * LaionLikeDataset.Dimension * 2, LaionLikeDataset.Rows * (LaionLikeDataset.Dimension * 2 + 16));
    }

    [SkippableTheory]
    [InlineData(VectorMetric.Cosine)]
    [InlineData(VectorMetric.L2)]
    [InlineData(VectorMetric.InnerProduct)]
    public void Exact_knn_over_bfloat16_equals_an_oracle_over_the_rounded_vectors(VectorMetric metric)
    {
        var (_, table) = Pushed();
        var filter = new TableQuery { Table = "laion", Search = "cat", Filters = [new ColumnFilter("NSFW", FilterOp.Not, "NSFW")] };
        var allowed = data.Dataset.StreamRows(filter, out _).Select(r => (long)r[0]!).ToHashSet();
        float[] q = data.Text.AsSpan(3 * LaionLikeDataset.Dimension, LaionLikeDataset.Dimension).ToArray();
        var expected = Oracle(q, metric, allowed, 30);
        var hits = table.Knn("image_embedding", q, 30, metric, filter);
        Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Id));
        for (int i = 0; i < hits.Count; i++)
            Assert.True(Math.Abs(expected[i].Score - hits[i].Score) < 1e-4, $"{metric} #{i}: {expected[i].Score} vs {hits[i].Score}");
    }

    [SkippableFact]
    public void The_store_contracts_search_bfloat16_sets_by_row_and_report_the_column_type()
    {
        var (engine, _) = Pushed();
        var source = new ClickHouseDataset(engine, "chdb bf16"); // not disposed: the engine is shared
        var set = source.ChooseVectorSet("image");
        Assert.Contains("Array(BFloat16)", set.File);
        var result = source.Knn(new KnnQuery { VectorSet = "image", Row = 17, K = 10 });
        var expected = Oracle(Rounded(17), set.Metric, Enumerable.Range(0, LaionLikeDataset.Rows).Select(i => (long)i).Where(i => i != 17).ToHashSet(), 10);
        Assert.Equal(expected.Select(e => e.Id), result.Rows.Select(r => (long)r[0]!));
        var deduplicated = source.Knn(new KnnQuery { VectorSet = "image", Row = 17, K = 10, Deduplicate = true });
        Assert.Equal(10, deduplicated.Rows.Count);
    }

    [SkippableFact]
    public void A_vector_similarity_index_over_a_bfloat16_column_answers_knn()
    {
        var (engine, _) = Pushed();
        engine.Execute("CREATE TABLE laion_hnsw (id Int64, image_embedding Array(BFloat16), INDEX vi image_embedding TYPE vector_similarity('hnsw', 'cosineDistance', 16)) ENGINE = MergeTree ORDER BY id");
        engine.Execute("INSERT INTO laion_hnsw SELECT id, image_embedding FROM laion");
        var hnsw = ClickHouseTable.Open(engine, "laion_hnsw");
        int found = 0;
        for (int row = 0; row < 20; row++)
        {
            float[] q = data.Text.AsSpan(row * LaionLikeDataset.Dimension, LaionLikeDataset.Dimension).ToArray();
            var exact = Oracle(q, VectorMetric.Cosine, null, 30).Select(h => h.Id).ToHashSet();
            found += hnsw.Knn("image_embedding", q, 30, VectorMetric.Cosine).Count(h => exact.Contains(h.Id));
        }
        Assert.True(found >= 0.9 * 20 * 30, $"recall@30 {found}/600");
        string plan = string.Join("\n", engine.Query("EXPLAIN indexes = 1 SELECT id FROM laion_hnsw ORDER BY cosineDistance(image_embedding, "
            + Sql.ClickHouseSql.Float32Array(data.ImageRow(0)) + ") LIMIT 30").Rows.Select(r => r[0]));
        Assert.Contains("vi", plan);
    }

    [SkippableFact]
    public void Push_with_a_vector_index_answers_knn_combined_with_search_and_filters_from_the_index()
    {
        using var engine = chdb.NewDatabase("vindex");
        DatasetPush.Run(engine, data.Dataset, new PushRequest { Columns = ["caption", "NSFW"], VectorSets = ["image"], VectorIndex = true });
        var table = ClickHouseTable.Open(engine, "laion");
        // The set is inner-product (as every ingested set); the index, and the searches through it, are by cosine.
        Assert.Equal(VectorMetric.InnerProduct, data.Dataset.ChooseVectorSet("image").Metric);
        Assert.Equal(VectorMetric.Cosine, new ClickHouseDataset(engine, "chdb index").ChooseVectorSet("image").Metric);
        string create = (string)engine.Query("SELECT create_table_query FROM system.tables WHERE database = currentDatabase() AND name = 'laion'").Rows[0][0]!;
        Assert.Contains("vector_similarity('hnsw', 'cosineDistance', 16)", create);
        var filter = new TableQuery { Table = "laion", Search = "dog", Filters = [new ColumnFilter("NSFW", FilterOp.Not, "NSFW")] };
        var allowed = data.Dataset.StreamRows(filter, out _).Select(r => (long)r[0]!).ToHashSet();
        int found = 0, wanted = 0;
        for (int row = 0; row < 10; row++)
        {
            float[] q = data.Text.AsSpan(row * LaionLikeDataset.Dimension, LaionLikeDataset.Dimension).ToArray();
            var exact = Oracle(q, VectorMetric.Cosine, allowed, 20).Select(h => h.Id).ToHashSet();
            var hits = table.Knn("image_embedding", q, 20, VectorMetric.Cosine, filter);
            Assert.Equal(20, hits.Count);
            Assert.All(hits, h => Assert.Contains(h.Id, allowed));
            found += hits.Count(h => exact.Contains(h.Id));
            wanted += 20;
        }
        Assert.True(found >= 0.9 * wanted, $"recall@20 {found}/{wanted}");
        // Unfiltered, the statement is the index's; filtered, the index's answer is topped up by the exact one (above).
        string Plan(bool allowIndex) => string.Join("\n", engine.Query("EXPLAIN indexes = 1 " + table.KnnSql(table.Column("image_embedding"), data.ImageRow(0), 20, VectorMetric.Cosine, new TableQuery { Table = "laion" }, allowIndex)).Rows.Select(r => r[0]));
        Assert.Contains("vi_image_embedding", Plan(true));
        Assert.DoesNotContain("vi_image_embedding", Plan(false));
        var unfiltered = table.Knn("image_embedding", data.ImageRow(3), 20, VectorMetric.Cosine);
        var exactUnfiltered = Oracle(data.ImageRow(3).ToArray(), VectorMetric.Cosine, null, 20).Select(h => h.Id).ToHashSet();
        Assert.True(unfiltered.Count(h => exactUnfiltered.Contains(h.Id)) >= 18, "recall@20 of the index alone");
        var refused = Assert.Throws<UserErrorException>(() => DatasetPush.Run(servers.NewDatabase("noindex"), data.Dataset, new PushRequest { Columns = ["caption"], VectorIndex = true }));
        Assert.Contains("vector_similarity", refused.Message);
    }

    [SkippableFact]
    public void A_server_without_bfloat16_gets_float32_by_default_and_a_clear_error_when_asked_for_it()
    {
        using var engine = servers.NewDatabase("nobf16");
        Assert.False(Sql.SqlDialect.For(engine.Version).HasBFloat16);
        var e = Assert.Throws<UserErrorException>(() => DatasetPush.Run(engine, data.Dataset, new PushRequest { Columns = ["caption"], VectorType = PushVectorType.BFloat16 }));
        Assert.Contains("BFloat16", e.Message);
        Assert.Contains("float32", e.Message);
        var report = DatasetPush.Run(engine, data.Dataset, new PushRequest { Columns = ["caption"], VectorSets = ["image"] });
        Assert.Equal("Array(Float32)", report.Columns.Single(c => c.Name == "image_embedding").Type);
    }

    private List<KnnHit> Oracle(float[] q, VectorMetric metric, HashSet<long>? allowed, int k) =>
        ExactKnn.Top(i => Rounded(i), q, metric, allowed, k);
}
