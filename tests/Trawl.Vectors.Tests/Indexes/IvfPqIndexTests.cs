using Trawl.Vectors.Indexes;
using Trawl.Vectors.Indexes.IvfPq;
using Trawl.Vectors.Search;
using Xunit.Abstractions;

namespace Trawl.Vectors.Tests.Indexes;

public class IvfPqIndexTests(IvfPqFixture fixture, ITestOutputHelper output) : IClassFixture<IvfPqFixture>
{
    private const int K = IvfPqFixture.K;

    private double RecallAt(IVectorIndex index, IndexSearchOptions options, long[][] truth, float[] queries)
    {
        var ids = new long[truth.Length * K];
        index.Search(queries, K, ids, new float[ids.Length], options);
        return ClusteredVectors.Recall(truth, ids, K);
    }

    [Fact]
    public void Recall_at_10_with_refine_is_at_least_0_9_at_nprobe_8()
    {
        double recall = RecallAt(fixture.Index, new IndexSearchOptions { NProbe = 8 }, fixture.Truth, fixture.Queries);
        output.WriteLine($"IVF64,PQ16,Refine nprobe 8 refine x8: recall@10 {recall:F4}");
        Assert.True(recall >= 0.9, $"recall@10 {recall:F4} < 0.9");
    }

    [Fact]
    public void Refine_and_more_probes_raise_recall()
    {
        double narrow = RecallAt(fixture.Index, new IndexSearchOptions { NProbe = 1, RefineFactor = 1 }, fixture.Truth, fixture.Queries);
        double refined = RecallAt(fixture.Index, new IndexSearchOptions { NProbe = 1, RefineFactor = 8 }, fixture.Truth, fixture.Queries);
        double wide = RecallAt(fixture.Index, new IndexSearchOptions { NProbe = 16, RefineFactor = 8 }, fixture.Truth, fixture.Queries);
        output.WriteLine($"nprobe 1 refine 1: {narrow:F4}; nprobe 1 refine 8: {refined:F4}; nprobe 16 refine 8: {wide:F4}");
        Assert.True(refined > narrow);
        Assert.True(wide > refined);
    }

    [Fact]
    public void Every_row_lands_in_exactly_one_list()
    {
        var index = (IvfPqIndex)fixture.Index;
        long total = 0;
        for (int list = 0; list < 64; list++) total += index.ListLength(list);
        Assert.Equal(IvfPqFixture.Rows, total);
    }

    [Fact]
    public void Save_and_open_give_identical_results()
    {
        string path = Path.Combine(Path.GetTempPath(), $"trawl-ivfpq-{Guid.NewGuid():N}.idx");
        try
        {
            fixture.Index.Save(path);
            using IVectorIndex loaded = VectorIndexFactory.Open(path, fixture.Data, 0, verifyChecksums: true);
            Assert.Equal("IVF64,PQ16,Refine", loaded.Factory);
            var options = new IndexSearchOptions { NProbe = 4 };
            var ids1 = new long[IvfPqFixture.QueryCount * K];
            var ids2 = new long[ids1.Length];
            var s1 = new float[ids1.Length];
            var s2 = new float[ids1.Length];
            fixture.Index.Search(fixture.Queries, K, ids1, s1, options);
            loaded.Search(fixture.Queries, K, ids2, s2, options);
            Assert.Equal(ids1, ids2);
            Assert.Equal(s1, s2);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.03)]
    [InlineData(0.005)]
    public void Filtered_search_returns_only_allowed_ids_and_never_fewer_than_k(double fraction)
    {
        var random = new Random(5);
        var allowedIds = Enumerable.Range(0, IvfPqFixture.Rows).Where(_ => random.NextDouble() < fraction).Select(i => (long)i).ToArray();
        RowFilter filter = RowFilter.FromIds(allowedIds, IvfPqFixture.Rows);
        const int queries = 40;
        float[] q = fixture.Queries.AsSpan(0, queries * IvfPqFixture.Dimension).ToArray();
        var ids = new long[queries * K];
        // One probe: the probed lists alone often hold fewer than k allowed rows, so the exact fallback must fill in.
        fixture.Index.Search(q, K, ids, new float[ids.Length], new IndexSearchOptions { Filter = filter, NProbe = 1 });
        var allowed = allowedIds.ToHashSet();
        for (int i = 0; i < queries; i++)
        {
            long[] row = ids.AsSpan(i * K, K).ToArray();
            Assert.Equal(Math.Min(K, allowedIds.Length), row.Count(id => id >= 0));
            Assert.All(row.Where(id => id >= 0), id => Assert.Contains(id, allowed));
        }
    }

    [Theory]
    [InlineData(VectorMetric.InnerProduct)]
    [InlineData(VectorMetric.Cosine)]
    public void Similarity_metrics_over_f16_reach_high_recall_with_refine(VectorMetric metric)
    {
        const int rows = 6000, dim = 32, queries = 50;
        float[] vectors = ClusteredVectors.Generate(seed: 9, rows + queries, dim, clusters: 30, spread: 1f);
        var random = new Random(4);
        for (int r = 0; r < rows; r++)
        {
            float scale = 0.5f + (float)random.NextDouble();
            for (int d = 0; d < dim; d++) vectors[r * dim + d] *= scale;
        }
        VectorMatrix data = VectorMatrix.FromFloat16(vectors.AsSpan(0, rows * dim).ToArray().Select(v => (Half)v).ToArray(), dim);
        float[] q = vectors.AsSpan(rows * dim).ToArray();
        using IVectorIndex index = VectorIndexFactory.Create("IVF32,PQ8,Refine", data, metric);
        index.Build();
        double recall = RecallAt(index, new IndexSearchOptions { NProbe = 8, RefineFactor = 16 }, ClusteredVectors.Truth(data, metric, q, K), q);
        output.WriteLine($"{metric} f16: recall@10 {recall:F4}");
        Assert.True(recall >= 0.9, $"recall {recall}");
    }

    [Fact]
    public void Search_before_training_refuses_to_add()
    {
        VectorMatrix data = VectorMatrix.FromFloat32(ClusteredVectors.Generate(2, 500, 16), 16);
        using IVectorIndex index = VectorIndexFactory.Create("IVF8,PQ4", data, VectorMetric.L2);
        Assert.False(index.IsTrained);
        Assert.Throws<InvalidOperationException>(() => index.Add(10));
    }

    [Fact]
    public void Retraining_an_index_that_holds_rows_is_refused()
    {
        VectorMatrix data = VectorMatrix.FromFloat32(ClusteredVectors.Generate(2, 500, 16), 16);
        using IVectorIndex index = VectorIndexFactory.Create("IVF8,PQ4", data, VectorMetric.L2);
        index.Train();
        index.Add(100);
        Assert.Contains("already holds 100 rows", Assert.Throws<InvalidOperationException>(index.Train).Message);
    }

    [Fact]
    public void Too_few_rows_for_the_lists_is_refused()
    {
        VectorMatrix data = VectorMatrix.FromFloat32(ClusteredVectors.Generate(2, 50, 16), 16);
        using IVectorIndex index = VectorIndexFactory.Create("IVF64,PQ4", data, VectorMetric.L2);
        Assert.Contains("64 lists", Assert.Throws<ArgumentException>(index.Train).Message);
    }

    [Fact]
    public unsafe void Vectorised_codebook_distances_match_the_scalar_reference()
    {
        var random = new Random(1);
        foreach (int dsub in new[] { 1, 3, 8, 12 })
        {
            float[] x = TestData.Floats(random, dsub);
            float[] book = TestData.Floats(random, dsub * ProductQuantizer.Centroids);
            var fast = new float[ProductQuantizer.Centroids];
            var slow = new float[ProductQuantizer.Centroids];
            fixed (float* px = x, pb = book, pf = fast, ps = slow)
            {
                ProductQuantizer.L2ToAll(px, pb, dsub, pf);
                ProductQuantizer.L2ToAllScalar(px, pb, dsub, ps);
            }
            for (int c = 0; c < fast.Length; c++) Assert.Equal(slow[c], fast[c], 5);
        }
    }

    [Fact]
    public void Flat_index_matches_exact_search_and_round_trips()
    {
        using IVectorIndex flat = VectorIndexFactory.Create("Flat", fixture.Data, VectorMetric.L2);
        flat.Build();
        var ids = new long[IvfPqFixture.QueryCount * K];
        flat.Search(fixture.Queries, K, ids, new float[ids.Length]);
        Assert.Equal(1.0, ClusteredVectors.Recall(fixture.Truth, ids, K));
        string path = Path.Combine(Path.GetTempPath(), $"trawl-flat-{Guid.NewGuid():N}.idx");
        try
        {
            flat.Save(path);
            using IVectorIndex loaded = VectorIndexFactory.Open(path, fixture.Data, 0);
            Assert.Equal("Flat", loaded.Factory);
            var again = new long[ids.Length];
            loaded.Search(fixture.Queries, K, again, new float[ids.Length]);
            Assert.Equal(ids, again);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
