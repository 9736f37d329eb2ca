namespace Trawl.Vectors.Tests.Duplicates;

/// <summary>Random unit-ish vectors where some rows are noisy copies of earlier ones (cosine about 0.98).</summary>
internal static class PlantedDuplicates
{
    public static float[] Generate(int seed, int rows, int dim, double copyFraction, float noise = 0.02f)
    {
        var random = new Random(seed);
        var data = new float[rows * dim];
        for (int r = 0; r < rows; r++)
        {
            if (r > 0 && random.NextDouble() < copyFraction)
            {
                int source = random.Next(r);
                for (int d = 0; d < dim; d++) data[r * dim + d] = data[source * dim + d] + (float)(Gaussian(random) * noise);
            }
            else
            {
                for (int d = 0; d < dim; d++) data[r * dim + d] = (float)Gaussian(random) / MathF.Sqrt(dim);
            }
        }
        return data;
    }

    /// <summary>Every pair (i &lt; j) with cosine ≥ threshold, in double precision.</summary>
    public static HashSet<(long, long)> NaivePairs(float[] data, int dim, double threshold)
    {
        int rows = data.Length / dim;
        var norms = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int d = 0; d < dim; d++) s += (double)data[r * dim + d] * data[r * dim + d];
            norms[r] = Math.Sqrt(s);
        }
        var pairs = new HashSet<(long, long)>();
        for (int i = 0; i < rows; i++)
            for (int j = i + 1; j < rows; j++)
            {
                double dot = 0;
                for (int d = 0; d < dim; d++) dot += (double)data[i * dim + d] * data[j * dim + d];
                if (dot / (norms[i] * norms[j]) >= threshold) pairs.Add((i, j));
            }
        return pairs;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
