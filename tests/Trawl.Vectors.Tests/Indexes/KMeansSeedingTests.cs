using Trawl.Vectors.Indexes.IvfPq;

namespace Trawl.Vectors.Tests.Indexes;

/// <summary>k-means++ seeding: spread over the data, deterministic for a seed, sane on repeated points.</summary>
public sealed class KMeansSeedingTests
{
    /// <summary>Tight clusters, far apart: cluster c is centred at 100·c on axis c % dim.</summary>
    private static float[] Clusters(int clusters, int perCluster, int dim, int seed)
    {
        var random = new Random(seed);
        var points = new float[clusters * perCluster * dim];
        for (int c = 0; c < clusters; c++)
            for (int i = 0; i < perCluster; i++)
            {
                int row = c * perCluster + i;
                for (int d = 0; d < dim; d++) points[row * dim + d] = (float)(random.NextDouble() - 0.5) * 0.01f;
                points[row * dim + c % dim] += 100f * (c + 1);
            }
        return points;
    }

    private static int ClusterOf(ReadOnlySpan<float> centroid, int clusters, int dim)
    {
        for (int c = 0; c < clusters; c++)
            if (Math.Abs(centroid[c % dim] - 100f * (c + 1)) < 1f) return c;
        return -1;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Seeds_land_one_in_each_well_separated_cluster(int seed)
    {
        // Twelve clusters of very unequal size: random seeding would put several seeds in the biggest.
        const int clusters = 12, dim = 16;
        var sizes = Enumerable.Range(0, clusters).Select(c => c == 0 ? 400 : 10).ToArray();
        var all = new List<float>();
        for (int c = 0; c < clusters; c++)
        {
            float[] one = Clusters(clusters, sizes[c], dim, seed * 100 + c);
            all.AddRange(one.AsSpan(c * sizes[c] * dim, sizes[c] * dim).ToArray());
        }
        float[] points = all.ToArray();
        int n = points.Length / dim;
        var random = new Random(seed);
        float[] seeds = KMeans.SeedPlusPlus(points, dim, clusters, KMeans.Permutation(n, random), random);
        var hit = Enumerable.Range(0, clusters).Select(c => ClusterOf(seeds.AsSpan(c * dim, dim), clusters, dim)).ToList();
        Assert.DoesNotContain(-1, hit);
        Assert.Equal(clusters, hit.Distinct().Count());
    }

    [Fact]
    public void Seeding_is_deterministic_for_a_seed_on_the_parallel_path()
    {
        // 64 centroids × 16 candidates × 1,024 dimensions: enough work for the parallel distance update.
        const int k = 64, dim = 1024, n = 2000;
        var random = new Random(5);
        var points = new float[n * dim];
        for (int i = 0; i < points.Length; i++) points[i] = (float)random.NextDouble();
        float[] Run(int s)
        {
            var r = new Random(s);
            return KMeans.SeedPlusPlus(points, dim, k, KMeans.Permutation(n, r), r);
        }
        Assert.Equal(Run(9), Run(9));
        Assert.NotEqual(Run(9), Run(10));
        // Every seed is one of the points, and no point is chosen twice.
        var rows = Enumerable.Range(0, n).ToDictionary(i => string.Join(",", points.AsSpan(i * dim, 4).ToArray()), i => i);
        float[] seeds = Run(9);
        var picked = Enumerable.Range(0, k).Select(c => rows[string.Join(",", seeds.AsSpan(c * dim, 4).ToArray())]).ToList();
        Assert.Equal(k, picked.Distinct().Count());
    }

    [Fact]
    public void Repeated_points_give_seeds_without_hanging_or_failing()
    {
        // 100 copies of only three distinct points, 8 centroids wanted.
        const int dim = 4, n = 300;
        var points = new float[n * dim];
        for (int i = 0; i < n; i++) points[i * dim] = i % 3;
        var random = new Random(1);
        float[] seeds = KMeans.SeedPlusPlus(points, dim, 8, KMeans.Permutation(n, random), random);
        Assert.Equal(8 * dim, seeds.Length);
        // The three distinct points are all among the seeds.
        Assert.Equal([0f, 1f, 2f], Enumerable.Range(0, 8).Select(c => seeds[c * dim]).Distinct().Order());
    }
}
