namespace Trawl.Vectors.Indexes.IvfPq;

/// <summary>
/// Lloyd's k-means with k-means++ seeding on a sample of at most 16 points per centroid (seeded and
/// deterministic: the candidates' distances are updated in parallel, the draws are sequential). Assignment is delegated (the
/// coarse quantiser uses the blocked exact-search kernels, the product quantiser its transposed
/// codebooks); the update sums in point order in double precision, so results depend only on the
/// seed. An empty cluster is re-seeded with a random point of the largest cluster.
/// </summary>
internal static unsafe class KMeans
{
    /// <summary>k-means++ draws its seeds from at most this many points per centroid (the cost is k × sample × dim).</summary>
    public const int SeedingPointsPerCentroid = 16;

    public delegate void Assign(float[] centroids, int[] assignment);

    /// <param name="spherical">Scale every centroid to unit length after each update (FAISS does this for inner-product lists).</param>
    public static float[] Train(float[] points, int n, int dim, int k, int iterations, int seed, Assign assign, bool spherical = false)
    {
        if (n < 1) throw new ArgumentException("k-means needs at least one point", nameof(n));
        var random = new Random(seed);
        int[] order = Permutation(n, random);
        float[] centroids = SeedPlusPlus(points, dim, k, order, random);
        var assignment = new int[n];
        var sums = new double[k * dim];
        var sizes = new int[k];
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            assign(centroids, assignment);
            Array.Clear(sums);
            Array.Clear(sizes);
            for (int i = 0; i < n; i++)
            {
                int c = assignment[i];
                sizes[c]++;
                long p = (long)i * dim, s = (long)c * dim;
                for (int d = 0; d < dim; d++) sums[s + d] += points[p + d];
            }
            for (int c = 0; c < k; c++)
            {
                if (sizes[c] == 0) continue;
                for (int d = 0; d < dim; d++) centroids[(long)c * dim + d] = (float)(sums[(long)c * dim + d] / sizes[c]);
            }
            if (n <= k) continue;
            for (int c = 0; c < k; c++)
            {
                if (sizes[c] > 0) continue;
                int largest = 0;
                for (int j = 1; j < k; j++) if (sizes[j] > sizes[largest]) largest = j;
                // Split the largest cluster: this centroid moves to one of its points, slightly nudged.
                int pick = random.Next(sizes[largest]);
                for (int i = 0; i < n; i++)
                {
                    if (assignment[i] != largest || pick-- > 0) continue;
                    for (int d = 0; d < dim; d++)
                        centroids[(long)c * dim + d] = points[(long)i * dim + d] * (1 + (float)(random.NextDouble() - 0.5) * 1e-3f);
                    break;
                }
                sizes[largest] /= 2;
                sizes[c] = sizes[largest];
            }
            if (spherical) Normalize(centroids, k, dim);
        }
        return centroids;
    }

    /// <summary>
    /// k-means++ (Arthur and Vassilvitskii): each next seed is a candidate drawn with probability
    /// proportional to its squared distance from the nearest seed so far, which spreads the seeds over
    /// the data instead of piling them into its densest parts. Candidates are the first
    /// <see cref="SeedingPointsPerCentroid"/> × k points of <paramref name="order"/>; with no more
    /// points than centroids every point is a seed (repeated as needed).
    /// </summary>
    internal static float[] SeedPlusPlus(float[] points, int dim, int k, int[] order, Random random)
    {
        int n = order.Length;
        var centroids = new float[(long)k * dim];
        if (n <= k)
        {
            for (int c = 0; c < k; c++) Array.Copy(points, (long)order[c % n] * dim, centroids, (long)c * dim, dim);
            return centroids;
        }
        int m = (int)Math.Min(n, (long)SeedingPointsPerCentroid * k);
        var nearest = new float[m];
        Array.Fill(nearest, float.PositiveInfinity);
        var kernels = Kernels.KernelSet.Current;
        int chosen = 0;
        bool parallel = (long)m * dim >= 1 << 20;
        fixed (float* p = points)
        fixed (float* cs = centroids)
        fixed (float* near = nearest)
        {
            float* pp = p, cc = cs, nn = near;
            for (int c = 0; c < k; c++)
            {
                Array.Copy(points, (long)order[chosen] * dim, centroids, (long)c * dim, dim);
                float* centroid = cc + (long)c * dim;
                void Update(int from, int to)
                {
                    for (int i = from; i < to; i++)
                    {
                        float d = kernels.L2F32(pp + (long)order[i] * dim, centroid, dim);
                        if (d < nn[i]) nn[i] = d;
                    }
                }
                if (parallel)
                {
                    const int chunk = 2048;
                    Parallel.For(0, (m + chunk - 1) / chunk, b => Update(b * chunk, Math.Min(m, (b + 1) * chunk)));
                }
                else Update(0, m);
                if (c + 1 == k) break;
                double total = 0;
                for (int i = 0; i < m; i++) total += nn[i];
                if (!(total > 0))
                {
                    // Every candidate sits on a seed already (repeated points): take the next ones in order.
                    chosen = (chosen + 1) % m;
                    continue;
                }
                double target = random.NextDouble() * total;
                int pick = -1, lastPositive = 0;
                for (int i = 0; i < m && pick < 0; i++)
                {
                    if (!(nn[i] > 0)) continue;
                    lastPositive = i;
                    target -= nn[i];
                    if (target < 0) pick = i;
                }
                // Rounding can leave the draw a hair past the end: the last candidate not yet a seed.
                chosen = pick >= 0 ? pick : lastPositive;
            }
        }
        return centroids;
    }

    private static void Normalize(float[] centroids, int k, int dim)
    {
        for (int c = 0; c < k; c++)
        {
            Span<float> row = centroids.AsSpan(c * dim, dim);
            double squares = 0;
            foreach (float v in row) squares += (double)v * v;
            if (squares == 0) continue;
            float scale = (float)(1 / Math.Sqrt(squares));
            for (int d = 0; d < dim; d++) row[d] *= scale;
        }
    }

    /// <summary>A seeded random permutation of 0..n-1.</summary>
    public static int[] Permutation(int n, Random random)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
