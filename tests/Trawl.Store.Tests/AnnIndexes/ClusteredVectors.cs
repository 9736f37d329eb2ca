namespace Trawl.Store.Tests.AnnIndexes;

/// <summary>Seeded clustered unit vectors (points scattered around random centres), shaped like embeddings.</summary>
internal static class ClusteredVectors
{
    public static float[] Generate(int rows, int dim, int seed, int clusters = 64)
    {
        var rng = new Random(seed);
        var centres = new float[clusters * dim];
        for (int i = 0; i < centres.Length; i++) centres[i] = Gaussian(rng);
        var data = new float[rows * dim];
        for (int r = 0; r < rows; r++)
        {
            int c = rng.Next(clusters);
            double norm = 0;
            for (int d = 0; d < dim; d++)
            {
                float v = centres[c * dim + d] + 0.6f * Gaussian(rng);
                data[r * dim + d] = v;
                norm += v * v;
            }
            float inv = (float)(1 / Math.Sqrt(norm));
            for (int d = 0; d < dim; d++) data[r * dim + d] *= inv;
        }
        return data;
    }

    private static float Gaussian(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
}
