using Trawl.Vectors.Indexes;
using Trawl.Vectors.Indexes.IvfPq;
using Trawl.Vectors.Search;

namespace Trawl.Vectors.Tests.Indexes;

/// <summary>The batched search path (lists chosen by one matrix product per block of queries) against the per-query path, and its kernels.</summary>
public class IvfPqSearchPathTests(IvfPqFixture fixture) : IClassFixture<IvfPqFixture>
{
    private const int K = IvfPqFixture.K;

    private static (long[] Ids, float[] Scores) Run(IVectorIndex index, float[] queries, IndexSearchOptions options)
    {
        int count = queries.Length / index.Dimension;
        var ids = new long[count * K];
        var scores = new float[ids.Length];
        index.Search(queries, K, ids, scores, options);
        return (ids, scores);
    }

    private static RowFilter Everything(long rows) => RowFilter.FromIds(Enumerable.Range(0, (int)rows).Select(i => (long)i), rows);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 8)]
    [InlineData(16, 32)]
    public void Batch_path_matches_the_per_query_path(int nprobe, int refine)
    {
        // A filter that allows every row sends each query through the per-query path (its own list ranking).
        var batch = Run(fixture.Index, fixture.Queries, new IndexSearchOptions { NProbe = nprobe, RefineFactor = refine });
        var single = Run(fixture.Index, fixture.Queries, new IndexSearchOptions { NProbe = nprobe, RefineFactor = refine, Filter = Everything(IvfPqFixture.Rows) });
        Assert.Equal(single.Ids, batch.Ids);
        for (int i = 0; i < batch.Scores.Length; i++) Assert.Equal(single.Scores[i], batch.Scores[i], 3);
    }

    [Fact]
    public void Batch_path_matches_the_per_query_path_for_inner_product_without_refine()
    {
        const int rows = 8000, dim = 48, queries = 120;
        float[] vectors = ClusteredVectors.Generate(seed: 12, rows + queries, dim, clusters: 40, spread: 1f);
        VectorMatrix data = VectorMatrix.FromFloat32(vectors.AsSpan(0, rows * dim), dim);
        float[] q = vectors.AsSpan(rows * dim).ToArray();
        using IVectorIndex index = VectorIndexFactory.Create("IVF32,PQ12", data, VectorMetric.InnerProduct, new IndexBuildOptions { Seed = 2 });
        index.Build();
        var batch = Run(index, q, new IndexSearchOptions { NProbe = 4 });
        var single = Run(index, q, new IndexSearchOptions { NProbe = 4, Filter = Everything(rows) });
        int same = batch.Ids.Zip(single.Ids).Count(p => p.First == p.Second);
        // Centroid products come from different kernels (blocked vs one row), so a near tie may rank one list differently.
        Assert.True(same >= batch.Ids.Length * 0.99, $"{same} of {batch.Ids.Length} ids agree");
        for (int i = 0; i < batch.Scores.Length; i++)
            if (batch.Ids[i] == single.Ids[i]) Assert.Equal(single.Scores[i], batch.Scores[i], 3);
    }

    [Fact]
    public void One_thread_and_two_threads_give_identical_results()
    {
        var one = Run(fixture.Index, fixture.Queries, new IndexSearchOptions { NProbe = 8, Threads = 1 });
        var two = Run(fixture.Index, fixture.Queries, new IndexSearchOptions { NProbe = 8, Threads = 2 });
        Assert.Equal(one.Ids, two.Ids);
        Assert.Equal(one.Scores, two.Scores);
    }

    [Fact]
    public void Batch_path_refuses_a_ragged_query_buffer_and_short_result_buffers()
    {
        Assert.Throws<ArgumentException>(() => fixture.Index.Search(new float[IvfPqFixture.Dimension + 1], K, new long[2 * K], new float[2 * K]));
        Assert.Throws<ArgumentException>(() => fixture.Index.Search(new float[2 * IvfPqFixture.Dimension], K, new long[K], new float[2 * K]));
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Index.Search(new float[IvfPqFixture.Dimension], K, new long[K], new float[K], new IndexSearchOptions { NProbe = 0 }));
        var bad = new float[IvfPqFixture.Dimension];
        bad[3] = float.NaN;
        Assert.Contains("component 3", Assert.Throws<ArgumentException>(() => fixture.Index.Search(bad, K, new long[K], new float[K])).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(13)]
    [InlineData(64)]
    public unsafe void Code_sum_matches_a_plain_loop(int m)
    {
        var random = new Random(m);
        float[] table = TestData.SmallIntegers(random, m * ProductQuantizer.Centroids, max: 50);
        var codes = new byte[m * 20];
        random.NextBytes(codes);
        fixed (float* t = table)
        fixed (byte* c = codes)
            for (int row = 0; row < 20; row++)
            {
                float expected = 0;
                for (int j = 0; j < m; j++) expected += table[j * ProductQuantizer.Centroids + codes[row * m + j]];
                Assert.Equal(expected, PqScan.Sum(c + row * m, t, m));
            }
    }

    [Fact]
    public void Spherical_k_means_gives_unit_length_centroids_and_plain_k_means_does_not()
    {
        const int n = 3000, dim = 16, k = 12;
        float[] points = ClusteredVectors.Generate(seed: 4, n, dim, clusters: 12, spread: 0.5f);
        int[] Nearest(float[] c, int[] assignment)
        {
            for (int i = 0; i < n; i++)
            {
                float best = float.MaxValue;
                for (int j = 0; j < k; j++)
                {
                    float d2 = 0;
                    for (int d = 0; d < dim; d++) d2 += MathF.Pow(points[i * dim + d] - c[j * dim + d], 2);
                    if (d2 < best) (best, assignment[i]) = (d2, j);
                }
            }
            return assignment;
        }
        float[] spherical = KMeans.Train(points, n, dim, k, 5, 1, (c, a) => Nearest(c, a), spherical: true);
        float[] plain = KMeans.Train(points, n, dim, k, 5, 1, (c, a) => Nearest(c, a));
        double Norm(float[] c, int j) => Math.Sqrt(c.AsSpan(j * dim, dim).ToArray().Sum(v => (double)v * v));
        for (int j = 0; j < k; j++) Assert.Equal(1.0, Norm(spherical, j), 4);
        Assert.Contains(Enumerable.Range(0, k), j => Math.Abs(Norm(plain, j) - 1) > 0.01);
    }
}
