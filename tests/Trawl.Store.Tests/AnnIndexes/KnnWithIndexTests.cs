using Trawl.Store.Datasets;
using Trawl.Store.AnnIndexes;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.VectorSets;

namespace Trawl.Store.Tests.AnnIndexes;

public sealed class KnnWithIndexTests : IDisposable
{
    private readonly IndexedDataset _data = new();

    public KnnWithIndexTests() => DatasetIndexes.Build(_data.Path, "emb", "HNSW16", new DatasetIndexBuildOptions { Seed = 2 });

    public void Dispose() => _data.Dispose();

    private static long[] Ids(KnnResult r) => r.Rows.Select(row => Convert.ToInt64(row[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void Knn_uses_the_sets_current_index_and_finds_what_exact_search_finds()
    {
        using var dataset = Dataset.Open(_data.Path);
        int same = 0, total = 0;
        foreach (long row in new long[] { 0, 17, 512, 4000, 5999 })
        {
            var indexed = dataset.Knn(new KnnQuery { VectorSet = "emb", Row = row, K = 10, Ef = 200 });
            var exact = dataset.Knn(new KnnQuery { VectorSet = "emb", Row = row, K = 10, Exact = true });
            Assert.Equal("HNSW16", indexed.Index);
            Assert.Null(exact.Index);
            Assert.Null(indexed.Warning);
            Assert.DoesNotContain(row, Ids(indexed));
            same += Ids(indexed).Intersect(Ids(exact)).Count();
            total += 10;
        }
        Assert.True(same >= total * 0.95, $"{same} of {total}");
    }

    [Fact]
    public void Filters_are_honoured_through_the_index()
    {
        using var dataset = Dataset.Open(_data.Path);
        var r = dataset.Knn(new KnnQuery { VectorSet = "emb", Row = 3, K = 10, Filter = new TableQuery { Table = "items", Where = "id % 2 = 0" } });
        Assert.Equal("HNSW16", r.Index);
        Assert.Equal(10, r.Rows.Count);
        Assert.All(Ids(r), id => Assert.Equal(0, id % 2));
    }

    [Fact]
    public void The_filter_strategy_can_be_forced_and_what_ran_is_reported()
    {
        using var dataset = Dataset.Open(_data.Path);
        var sparse = new TableQuery { Table = "items", Where = "id % 100 = 0" };
        var auto = dataset.Knn(new KnnQuery { VectorSet = "emb", Vector = Vector(5), K = 10, Filter = sparse });
        Assert.Equal(Trawl.Vectors.Indexes.FilterStrategy.Exact, auto.FilterPlan!.Strategy);
        Assert.Equal(IndexedDataset.Rows / 100, auto.FilterPlan.Allowed);
        Assert.Equal(0.01, auto.FilterPlan.Density, 6);

        var walked = dataset.Knn(new KnnQuery { VectorSet = "emb", Vector = Vector(5), K = 10, Filter = sparse, FilterStrategy = Trawl.Vectors.Indexes.FilterStrategy.Walk });
        Assert.Equal(Trawl.Vectors.Indexes.FilterStrategy.Walk, walked.FilterPlan!.Strategy);
        Assert.Equal(64 * 4, walked.FilterPlan.Ef);
        Assert.Equal(10, walked.Rows.Count);
        Assert.All(Ids(walked), id => Assert.Equal(0, id % 100));

        var batch = dataset.KnnBatch(new KnnQuery { VectorSet = "emb", K = 10, Filter = new TableQuery { Table = "items", Where = "id % 2 = 0" } }, Vector(9));
        Assert.Equal(0.5, batch.FilterPlan!.Density, 6);
        Assert.Null(dataset.KnnBatch(new KnnQuery { VectorSet = "emb", K = 10 }, Vector(9)).FilterPlan);
        Assert.Null(dataset.Knn(new KnnQuery { VectorSet = "emb", Vector = Vector(5), K = 10, Filter = sparse, Exact = true }).FilterPlan);
    }

    private float[] Vector(long row) => _data.Vectors.AsSpan((int)row * IndexedDataset.Dim, IndexedDataset.Dim).ToArray();

    [Theory]
    [InlineData(1000)] // 0.1 %: 6 rows, fewer than k
    [InlineData(100)]  // 1 %
    [InlineData(10)]   // 10 %
    [InlineData(2)]    // 50 %
    public void Filtered_knn_through_the_index_keeps_recall_and_returns_min_of_k_and_the_allowed_rows(int every)
    {
        using var dataset = Dataset.Open(_data.Path);
        var filter = new TableQuery { Table = "items", Where = $"id % {every} = 0" };
        int allowed = (IndexedDataset.Rows + every - 1) / every, same = 0, total = 0;
        foreach (long row in new long[] { 1, 333, 2500, 4999 })
        {
            var indexed = dataset.Knn(new KnnQuery { VectorSet = "emb", Row = row, K = 10, Filter = filter });
            var exact = dataset.Knn(new KnnQuery { VectorSet = "emb", Row = row, K = 10, Filter = filter, Exact = true });
            Assert.Equal("HNSW16", indexed.Index);
            Assert.Equal(Math.Min(10, allowed), indexed.Rows.Count);
            Assert.All(Ids(indexed), id => Assert.Equal(0, id % every));
            same += Ids(indexed).Intersect(Ids(exact)).Count();
            total += exact.Rows.Count;
        }
        Assert.True(same >= total * 0.95, $"1 row in {every}: {same} of {total} exact neighbours found");
    }

    [Fact]
    public void Deduplication_and_exact_requests_scan_exactly()
    {
        using var dataset = Dataset.Open(_data.Path);
        Assert.Null(dataset.Knn(new KnnQuery { VectorSet = "emb", Row = 3, Deduplicate = true }).Index);
        Assert.Null(dataset.Knn(new KnnQuery { VectorSet = "emb", Row = 3, Exact = true }).Index);
    }

    [Fact]
    public void Stale_index_is_skipped_with_a_warning()
    {
        _data.Ingest(IndexedDataset.Rows, 10, ClusteredVectors.Generate(10, IndexedDataset.Dim, seed: 9), IngestMode.Append);
        using var dataset = Dataset.Open(_data.Path);
        var r = dataset.Knn(new KnnQuery { VectorSet = "emb", Row = IndexedDataset.Rows + 5, K = 5 });
        Assert.Null(r.Index);
        Assert.Contains("stale", r.Warning);
        Assert.Equal(5, r.Rows.Count);
    }

    [Fact]
    public void Batch_through_the_index_matches_single_queries()
    {
        using var dataset = Dataset.Open(_data.Path);
        var queries = ClusteredVectors.Generate(3, IndexedDataset.Dim, seed: 12);
        var batch = dataset.KnnBatch(new KnnQuery { VectorSet = "emb", K = 5, Ef = 100 }, queries).Results;
        for (int q = 0; q < 3; q++)
        {
            var one = dataset.Knn(new KnnQuery { VectorSet = "emb", Vector = queries.AsSpan(q * IndexedDataset.Dim, IndexedDataset.Dim).ToArray(), K = 5, Ef = 100 });
            Assert.Equal("HNSW16", one.Index);
            Assert.Equal(Ids(one), batch[q].Ids);
        }
    }

    [Theory]
    [InlineData(0, null, null)]
    [InlineData(null, -1, null)]
    [InlineData(null, null, 0)]
    public void Ef_nprobe_or_refine_below_one_is_a_user_error(int? ef, int? nprobe, int? refine)
    {
        using var dataset = Dataset.Open(_data.Path);
        Assert.Throws<UserErrorException>(() => dataset.Knn(new KnnQuery { VectorSet = "emb", Row = 1, Ef = ef, NProbe = nprobe, Refine = refine }));
    }

    [Fact]
    public void Refine_reaches_the_ivf_pq_index_and_more_candidates_find_more_exact_neighbours()
    {
        DatasetIndexes.Build(_data.Path, "emb", "IVF16,PQ4,Refine", new DatasetIndexBuildOptions { Seed = 2 });
        using var dataset = Dataset.Open(_data.Path);
        int few = 0, many = 0;
        foreach (long row in new long[] { 0, 17, 512, 4000, 5999, 123, 2222, 3333 })
        {
            var exact = Ids(dataset.Knn(new KnnQuery { VectorSet = "emb", Row = row, K = 10, Exact = true }));
            var one = dataset.Knn(new KnnQuery { VectorSet = "emb", Row = row, K = 10, NProbe = 16, Refine = 1 });
            var fifty = dataset.Knn(new KnnQuery { VectorSet = "emb", Row = row, K = 10, NProbe = 16, Refine = 50 });
            Assert.Equal("IVF16,PQ4,Refine", fifty.Index);
            few += Ids(one).Intersect(exact).Count();
            many += Ids(fifty).Intersect(exact).Count();
        }
        // PQ4 codes alone rank poorly; re-ranking 500 candidates exactly finds nearly all of the exact neighbours.
        Assert.True(many > few, $"refine ×50 found {many}, refine ×1 {few}");
        Assert.True(many >= 76, $"refine ×50 found {many} of 80");
    }
}
