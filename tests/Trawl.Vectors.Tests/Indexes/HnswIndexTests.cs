using Trawl.Vectors.Indexes;
using Trawl.Vectors.Indexes.Hnsw;
using Trawl.Vectors.Search;
using Xunit.Abstractions;

namespace Trawl.Vectors.Tests.Indexes;

public class HnswIndexTests(HnswFixture fixture, ITestOutputHelper output) : IClassFixture<HnswFixture>
{
    private const int K = HnswFixture.K;

    [Fact]
    public void Recall_at_10_is_at_least_0_95_at_ef_64_on_20000_clustered_vectors()
    {
        var ids = new long[HnswFixture.QueryCount * K];
        var scores = new float[ids.Length];
        fixture.Index.Search(fixture.Queries, K, ids, scores, new IndexSearchOptions { Ef = 64 });
        double recall = ClusteredVectors.Recall(fixture.Truth, ids, K);
        output.WriteLine($"HNSW16 efC 100, ef 64: recall@10 {recall:F4}");
        Assert.True(recall >= 0.95, $"recall@10 {recall:F4} < 0.95");
        Assert.DoesNotContain(-1L, ids);
    }

    [Fact]
    public void Single_thread_searches_reuse_one_scratch_buffer_instead_of_allocating_per_query()
    {
        var index = (HnswIndex)fixture.Index;
        var ids = new long[HnswFixture.QueryCount * K];
        var scores = new float[ids.Length];
        var options = new IndexSearchOptions { Ef = 16, Threads = 1 };
        index.Search(fixture.Queries, K, ids, scores, options);
        int before = index.ScratchCreated;
        index.Search(fixture.Queries, K, ids, scores, options);
        Assert.Equal(before, index.ScratchCreated);
    }

    [Fact]
    public void Scores_are_exact_cosines_in_best_first_order()
    {
        SearchResult hit = fixture.Index.Search(fixture.Queries.AsSpan(0, HnswFixture.Dimension), K);
        SearchResult exact = ExactSearch.Create(fixture.Data, VectorMetric.Cosine).Search(fixture.Queries.AsSpan(0, HnswFixture.Dimension), 200);
        for (int i = 0; i < hit.Count; i++)
        {
            if (i > 0) Assert.True(hit.Scores[i] <= hit.Scores[i - 1]);
            int at = Array.IndexOf(exact.Ids, hit.Ids[i]);
            Assert.True(at >= 0);
            Assert.Equal(exact.Scores[at], hit.Scores[i], 4);
        }
    }

    [Fact]
    public void Larger_ef_does_not_lower_recall()
    {
        double previous = 0;
        foreach (int ef in new[] { 10, 40, 160 })
        {
            var ids = new long[HnswFixture.QueryCount * K];
            fixture.Index.Search(fixture.Queries, K, ids, new float[ids.Length], new IndexSearchOptions { Ef = ef });
            double recall = ClusteredVectors.Recall(fixture.Truth, ids, K);
            output.WriteLine($"ef {ef}: recall@10 {recall:F4}");
            Assert.True(recall >= previous - 0.01, $"ef {ef}: recall {recall} fell below {previous}");
            previous = recall;
        }
    }

    [Fact]
    public void Same_seed_builds_identical_graphs_with_one_or_two_threads()
    {
        float[] vectors = ClusteredVectors.Generate(seed: 3, 3000, 32);
        VectorMatrix data = VectorMatrix.FromFloat32(vectors, 32);
        HnswIndex Build(int threads, int seed)
        {
            var index = (HnswIndex)VectorIndexFactory.Create("HNSW8", data, VectorMetric.L2, new IndexBuildOptions { Seed = seed, Threads = threads, EfConstruction = 40 });
            index.Build();
            return index;
        }
        HnswIndex a = Build(1, 5), b = Build(1, 5), c = Build(2, 5), other = Build(1, 6);
        Assert.Equal(a.EntryPoint, b.EntryPoint);
        Assert.Equal(a.EntryPoint, c.EntryPoint);
        bool differs = false;
        for (int node = 0; node < 3000; node++)
        {
            Assert.Equal(a.LevelOf(node), b.LevelOf(node));
            for (int level = 0; level <= a.LevelOf(node); level++)
            {
                Assert.Equal(a.Neighbours(node, level), b.Neighbours(node, level));
                Assert.Equal(a.Neighbours(node, level), c.Neighbours(node, level));
            }
            differs |= other.LevelOf(node) != a.LevelOf(node) || !other.Neighbours(node).SequenceEqual(a.Neighbours(node));
        }
        Assert.True(differs, "another seed should give another graph");
    }

    [Fact]
    public void Neighbour_lists_respect_the_capacity_and_hold_no_self_links()
    {
        var index = (HnswIndex)fixture.Index;
        for (int node = 0; node < HnswFixture.Rows; node += 7)
        {
            int[] links = index.Neighbours(node);
            Assert.InRange(links.Length, 1, 32);
            Assert.DoesNotContain(node, links);
            Assert.Equal(links.Length, links.Distinct().Count());
        }
    }

    [Fact]
    public void Save_and_open_give_identical_results()
    {
        string path = Path.Combine(Path.GetTempPath(), $"trawl-hnsw-{Guid.NewGuid():N}.idx");
        try
        {
            fixture.Index.Save(path);
            using IVectorIndex loaded = VectorIndexFactory.Open(path, fixture.Data, 0, verifyChecksums: true);
            Assert.Equal("HNSW16", loaded.Factory);
            Assert.Equal(fixture.Index.Count, loaded.Count);
            var options = new IndexSearchOptions { Ef = 50 };
            var ids1 = new long[HnswFixture.QueryCount * K];
            var ids2 = new long[ids1.Length];
            var s1 = new float[ids1.Length];
            var s2 = new float[ids1.Length];
            fixture.Index.Search(fixture.Queries, K, ids1, s1, options);
            loaded.Search(fixture.Queries, K, ids2, s2, options);
            Assert.Equal(ids1, ids2);
            Assert.Equal(s1, s2);
            Assert.Throws<InvalidOperationException>(() => loaded.Add(1));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.05)]
    [InlineData(0.01)]
    [InlineData(0.0002)]
    public void Filtered_search_returns_only_allowed_ids_and_never_fewer_than_k(double fraction)
    {
        var random = new Random(11);
        var allowedIds = Enumerable.Range(0, HnswFixture.Rows).Where(_ => random.NextDouble() < fraction).Select(i => (long)i).ToArray();
        RowFilter filter = RowFilter.FromIds(allowedIds, HnswFixture.Rows);
        const int queries = 40;
        float[] q = fixture.Queries.AsSpan(0, queries * HnswFixture.Dimension).ToArray();
        var ids = new long[queries * K];
        fixture.Index.Search(q, K, ids, new float[ids.Length], new IndexSearchOptions { Filter = filter });
        var allowed = allowedIds.ToHashSet();
        int wanted = Math.Min(K, allowedIds.Length);
        for (int i = 0; i < queries; i++)
        {
            long[] row = ids.AsSpan(i * K, K).ToArray();
            Assert.Equal(wanted, row.Count(id => id >= 0));
            Assert.All(row.Where(id => id >= 0), id => Assert.Contains(id, allowed));
        }
        long[][] truth = ClusteredVectors.Truth(fixture.Data, VectorMetric.Cosine, q, K, filter);
        double recall = ClusteredVectors.Recall(truth, ids, K);
        output.WriteLine($"allowed {allowedIds.Length} ({fraction:P2}): recall@10 {recall:F4}");
        Assert.True(recall >= 0.9, $"filtered recall {recall}");
    }

    [Fact]
    public void An_empty_allow_list_pads_every_result()
    {
        RowFilter filter = RowFilter.FromIds([], HnswFixture.Rows);
        var ids = new long[K];
        var scores = new float[K];
        fixture.Index.Search(fixture.Queries.AsSpan(0, HnswFixture.Dimension), K, ids, scores, new IndexSearchOptions { Filter = filter });
        Assert.All(ids, id => Assert.Equal(-1, id));
        Assert.All(scores, s => Assert.True(float.IsNaN(s)));
    }

    [Theory]
    [InlineData(VectorMetric.L2, false)]
    [InlineData(VectorMetric.InnerProduct, true)]
    [InlineData(VectorMetric.Cosine, true)]
    public void Every_metric_over_f32_and_f16_reaches_high_recall(VectorMetric metric, bool half)
    {
        const int rows = 4000, dim = 48, queries = 50;
        float[] vectors = ClusteredVectors.Generate(seed: 21, rows + queries, dim, clusters: 40);
        // Non-unit rows make inner product differ from cosine.
        var random = new Random(2);
        for (int r = 0; r < rows; r++)
        {
            float scale = 0.5f + (float)random.NextDouble();
            for (int d = 0; d < dim; d++) vectors[r * dim + d] *= scale;
        }
        VectorMatrix data = half
            ? VectorMatrix.FromFloat16(vectors.AsSpan(0, rows * dim).ToArray().Select(v => (Half)v).ToArray(), dim)
            : VectorMatrix.FromFloat32(vectors.AsSpan(0, rows * dim), dim);
        float[] q = vectors.AsSpan(rows * dim).ToArray();
        using IVectorIndex index = VectorIndexFactory.Create("HNSW12", data, metric, new IndexBuildOptions { EfConstruction = 80 });
        index.Build();
        var ids = new long[queries * K];
        index.Search(q, K, ids, new float[ids.Length], new IndexSearchOptions { Ef = 80 });
        double recall = ClusteredVectors.Recall(ClusteredVectors.Truth(data, metric, q, K), ids, K);
        output.WriteLine($"{metric} {(half ? "f16" : "f32")}: recall@10 {recall:F4}");
        Assert.True(recall >= 0.9, $"recall {recall}");
    }

    [Fact]
    public void K_above_the_row_count_returns_every_row_then_padding()
    {
        VectorMatrix data = VectorMatrix.FromFloat32(ClusteredVectors.Generate(4, 5, 8), 8);
        using IVectorIndex index = VectorIndexFactory.Create("HNSW4", data, VectorMetric.L2);
        index.Build();
        var ids = new long[8];
        var scores = new float[8];
        index.Search(ClusteredVectors.Generate(5, 1, 8), 8, ids, scores);
        Assert.Equal([0L, 1, 2, 3, 4], ids[..5].Order().ToArray());
        Assert.Equal([-1L, -1, -1], ids[5..]);
        Assert.True(float.IsNaN(scores[7]));
    }

    [Fact]
    public void Adding_in_several_steps_indexes_every_row()
    {
        VectorMatrix data = VectorMatrix.FromFloat32(ClusteredVectors.Generate(8, 1000, 16), 16);
        using IVectorIndex index = VectorIndexFactory.Create("HNSW8", data, VectorMetric.L2);
        index.Add(1);
        index.Add(300);
        index.Add(699);
        Assert.Equal(1000, index.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add(1));
        for (int row = 0; row < 1000; row += 97)
        {
            var one = new float[16];
            data.CopyRowTo(row, one);
            Assert.Equal(row, index.Search(one, 1, new IndexSearchOptions { Ef = 32 }).Ids[0]);
        }
    }

    [Theory]
    [InlineData(VectorMetric.L2)]
    [InlineData(VectorMetric.InnerProduct)]
    public void Many_identical_rows_still_give_k_distinct_results(VectorMetric metric)
    {
        const int dim = 16;
        float[] vectors = ClusteredVectors.Generate(31, 1000, dim, clusters: 5);
        for (int r = 1; r < 600; r++) Array.Copy(vectors, 0, vectors, r * dim, dim);
        VectorMatrix data = VectorMatrix.FromFloat32(vectors, dim);
        using IVectorIndex index = VectorIndexFactory.Create("HNSW6", data, metric);
        index.Build();
        float[] queries = ClusteredVectors.Generate(32, 20, dim, clusters: 5);
        queries.AsSpan(0, dim).Clear();
        vectors.AsSpan(0, dim).CopyTo(queries);
        foreach (SearchResult result in index.SearchBatch(queries, 50, new IndexSearchOptions { Ef = 8 }))
        {
            Assert.Equal(50, result.Count);
            Assert.Equal(50, result.Ids.Distinct().Count());
        }
    }

    [Fact]
    public void Flat_with_a_filter_returns_all_allowed_rows_when_k_is_larger()
    {
        using IVectorIndex flat = VectorIndexFactory.Create("Flat", fixture.Data, VectorMetric.Cosine);
        flat.Build();
        RowFilter filter = RowFilter.FromIds([3, 500, 19_999], HnswFixture.Rows);
        SearchResult result = flat.Search(fixture.Queries.AsSpan(0, HnswFixture.Dimension), K, new IndexSearchOptions { Filter = filter });
        Assert.Equal([3L, 500, 19_999], result.Ids.Order().ToArray());
    }

    [Theory]
    [InlineData(VectorMetric.Cosine)]
    [InlineData(VectorMetric.L2)]
    [InlineData(VectorMetric.InnerProduct)]
    public void Sq8_walks_the_int8_copy_and_reranks_to_exact_scores_with_high_recall(VectorMetric metric)
    {
        const int rows = 8000, queries = 100;
        VectorMatrix data = VectorMatrix.FromFloat32(fixture.Vectors.AsSpan(0, rows * HnswFixture.Dimension), HnswFixture.Dimension);
        float[] q = fixture.Queries.AsSpan(0, queries * HnswFixture.Dimension).ToArray();
        using IVectorIndex index = VectorIndexFactory.Create("HNSW16,SQ8", data, metric, new IndexBuildOptions { EfConstruction = 80 });
        index.Build();
        Assert.Equal("HNSW16,SQ8", index.Factory);
        Assert.True(((HnswIndex)index).WalksInt8Copy);
        var ids = new long[queries * K];
        var scores = new float[ids.Length];
        index.Search(q, K, ids, scores, new IndexSearchOptions { Ef = 64 });
        double recall = ClusteredVectors.Recall(ClusteredVectors.Truth(data, metric, q, K), ids, K);
        output.WriteLine($"HNSW16,SQ8 {metric} ef 64: recall@10 {recall:F4}");
        Assert.True(recall >= 0.95, $"recall {recall}");
        SearchResult exact = ExactSearch.Create(data, metric).Search(q.AsSpan(0, HnswFixture.Dimension), 1);
        if (ids[0] == exact.Ids[0]) Assert.Equal(exact.Scores[0], scores[0], 4);

        string path = Path.Combine(Path.GetTempPath(), $"trawl-sq8-{Guid.NewGuid():N}.idx");
        try
        {
            index.Save(path);
            using IVectorIndex loaded = VectorIndexFactory.Open(path, data, 0, verifyChecksums: true);
            Assert.True(((HnswIndex)loaded).WalksInt8Copy);
            var again = new long[ids.Length];
            var againScores = new float[ids.Length];
            loaded.Search(q, K, again, againScores, new IndexSearchOptions { Ef = 64 });
            Assert.Equal(ids, again);
            Assert.Equal(scores, againScores);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Searches_past_the_visited_marks_wraparound_give_the_same_results()
    {
        // Each search bumps a byte generation; after 255 the marks are cleared. Results must not change across it.
        float[] q = fixture.Queries.AsSpan(0, HnswFixture.Dimension).ToArray();
        var first = new long[K];
        var ids = new long[K];
        var options = new IndexSearchOptions { Ef = 32, Threads = 1 };
        fixture.Index.Search(q, K, first, new float[K], options);
        for (int i = 0; i < 600; i++)
        {
            fixture.Index.Search(q, K, ids, new float[K], options);
            Assert.Equal(first, ids);
        }
    }

    [Fact]
    public void One_and_two_threads_give_identical_batch_results()
    {
        var one = new long[HnswFixture.QueryCount * K];
        var two = new long[one.Length];
        var oneScores = new float[one.Length];
        var twoScores = new float[one.Length];
        fixture.Index.Search(fixture.Queries, K, one, oneScores, new IndexSearchOptions { Ef = 48, Threads = 1 });
        fixture.Index.Search(fixture.Queries, K, two, twoScores, new IndexSearchOptions { Ef = 48, Threads = 2 });
        Assert.Equal(one, two);
        Assert.Equal(oneScores, twoScores);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void F16_storage_finds_the_f32_neighbours_up_to_rounding(bool sq8)
    {
        const int rows = 8000, queries = 100;
        string factory = sq8 ? "HNSW16,SQ8" : "HNSW16";
        float[] vectors = fixture.Vectors.AsSpan(0, rows * HnswFixture.Dimension).ToArray();
        VectorMatrix f32 = VectorMatrix.FromFloat32(vectors, HnswFixture.Dimension);
        VectorMatrix f16 = VectorMatrix.FromFloat16(vectors.Select(v => (Half)v).ToArray(), HnswFixture.Dimension);
        float[] q = fixture.Queries.AsSpan(0, queries * HnswFixture.Dimension).ToArray();
        long[][] truth = ClusteredVectors.Truth(f32, VectorMetric.Cosine, q, K);
        var recalls = new double[2];
        var scores = new float[2][];
        var found = new long[2][];
        foreach ((int i, VectorMatrix data) in new[] { (0, f32), (1, f16) })
        {
            using IVectorIndex index = VectorIndexFactory.Create(factory, data, VectorMetric.Cosine, new IndexBuildOptions { EfConstruction = 80 });
            index.Build();
            found[i] = new long[queries * K];
            scores[i] = new float[queries * K];
            index.Search(q, K, found[i], scores[i], new IndexSearchOptions { Ef = 64 });
            recalls[i] = ClusteredVectors.Recall(truth, found[i], K);
        }
        output.WriteLine($"{factory} cosine ef 64: recall@10 f32 {recalls[0]:F4}, f16 {recalls[1]:F4}");
        Assert.True(recalls[1] >= 0.95 && Math.Abs(recalls[1] - recalls[0]) <= 0.02, $"f32 {recalls[0]}, f16 {recalls[1]}");
        // Where both found the same row, the f16 score is the f32 one up to half-precision rounding.
        for (int i = 0; i < found[0].Length; i++)
        {
            int at = Array.IndexOf(found[1], found[0][i], i / K * K, K);
            if (at >= 0) Assert.True(Math.Abs(scores[0][i] - scores[1][at]) < 2e-3, $"row {found[0][i]}: {scores[0][i]} vs {scores[1][at]}");
        }
    }

    [Fact]
    public void Sq8_recall_is_close_to_the_plain_walk_at_the_same_ef()
    {
        const int rows = 8000, queries = 100;
        VectorMatrix data = VectorMatrix.FromFloat32(fixture.Vectors.AsSpan(0, rows * HnswFixture.Dimension), HnswFixture.Dimension);
        float[] q = fixture.Queries.AsSpan(0, queries * HnswFixture.Dimension).ToArray();
        long[][] truth = ClusteredVectors.Truth(data, VectorMetric.InnerProduct, q, K);
        foreach (int ef in new[] { 16, 64 })
        {
            var recall = new double[2];
            foreach ((int i, string factory) in new[] { (0, "HNSW16"), (1, "HNSW16,SQ8") })
            {
                using IVectorIndex index = VectorIndexFactory.Create(factory, data, VectorMetric.InnerProduct, new IndexBuildOptions { EfConstruction = 80 });
                index.Build();
                var ids = new long[queries * K];
                index.Search(q, K, ids, new float[ids.Length], new IndexSearchOptions { Ef = ef });
                recall[i] = ClusteredVectors.Recall(truth, ids, K);
            }
            output.WriteLine($"ef {ef}: recall@10 plain {recall[0]:F4}, SQ8 {recall[1]:F4}");
            Assert.True(recall[1] >= recall[0] - 0.03, $"ef {ef}: plain {recall[0]}, SQ8 {recall[1]}");
        }
    }

    [Fact]
    public void Bad_queries_are_refused_with_the_reason()
    {
        Assert.Contains("64-dimensional", Assert.Throws<ArgumentException>(() => fixture.Index.Search(new float[3], K, new long[K], new float[K])).Message);
        var nan = new float[HnswFixture.Dimension];
        nan[5] = float.NaN;
        Assert.Contains("component 5", Assert.Throws<ArgumentException>(() => fixture.Index.Search(nan, K, new long[K], new float[K])).Message);
        Assert.Contains("zero", Assert.Throws<ArgumentException>(() => fixture.Index.Search(new float[HnswFixture.Dimension], K, new long[K], new float[K])).Message);
        Assert.Contains("result slots", Assert.Throws<ArgumentException>(() => fixture.Index.Search(fixture.Queries.AsSpan(0, HnswFixture.Dimension), K, new long[K - 1], new float[K])).Message);
        Assert.Throws<ArgumentException>(() => fixture.Index.Search(fixture.Queries.AsSpan(0, HnswFixture.Dimension), K, new long[K], new float[K],
            new IndexSearchOptions { Filter = RowFilter.FromIds([1], 10) }));
    }
}
