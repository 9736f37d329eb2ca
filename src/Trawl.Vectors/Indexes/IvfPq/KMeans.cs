namespace Trawl.Vectors.Indexes.IvfPq;

/// <summary>
/// Lloyd's k-means with seeding by k distinct random points (seeded). Assignment is delegated (the
/// coarse quantiser uses the blocked exact-search kernels, the product quantiser its transposed
/// codebooks); the update sums in point order in double precision, so results depend only on the
/// seed. An empty cluster is re-seeded with a random point of the largest cluster.
/// </summary>
internal static class KMeans
{
    public delegate void Assign(float[] centroids, int[] assignment);

    /// <param name="spherical">Scale every centroid to unit length after each update (FAISS does this for inner-product lists).</param>
    public static float[] Train(float[] points, int n, int dim, int k, int iterations, int seed, Assign assign, bool spherical = false)
    {
        if (n < 1) throw new ArgumentException("k-means needs at least one point", nameof(n));
        var random = new Random(seed);
        var centroids = new float[k * dim];
        int[] order = Permutation(n, random);
        for (int c = 0; c < k; c++) Array.Copy(points, (long)order[c % n] * dim, centroids, (long)c * dim, dim);
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
