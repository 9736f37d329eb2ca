using Trawl.Vectors.Search;

namespace Trawl.Vectors.Tests.Indexes;

/// <summary>Generated test sets: unit vectors scattered around random cluster centres, and exact answers for them.</summary>
internal static class ClusteredVectors
{
    public static float[] Generate(int seed, int rows, int dimension, int clusters = 100, float spread = 0.5f)
    {
        var random = new Random(seed);
        var centres = new float[clusters * dimension];
        for (int i = 0; i < centres.Length; i++) centres[i] = Gaussian(random);
        var data = new float[rows * dimension];
        for (int r = 0; r < rows; r++)
        {
            int c = random.Next(clusters);
            double squares = 0;
            for (int d = 0; d < dimension; d++)
            {
                float v = centres[c * dimension + d] + spread * Gaussian(random);
                data[r * dimension + d] = v;
                squares += v * v;
            }
            float scale = (float)(1 / Math.Sqrt(squares));
            for (int d = 0; d < dimension; d++) data[r * dimension + d] *= scale;
        }
        return data;
    }

    public static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    public static long[][] Truth(VectorMatrix data, VectorMetric metric, float[] queries, int k, RowFilter? filter = null)
    {
        SearchResult[] results = ExactSearch.Create(data, metric).SearchBatch(queries, k, filter is null ? null : new SearchOptions { Filter = filter });
        return results.Select(r => r.Ids).ToArray();
    }

    public static double Recall(long[][] truth, long[] ids, int k)
    {
        var found = new IReadOnlyList<long>[truth.Length];
        for (int q = 0; q < truth.Length; q++) found[q] = ids.AsSpan(q * k, k).ToArray().Where(id => id >= 0).ToArray();
        return Trawl.Vectors.Search.Recall.AtK(found, truth, k);
    }
}
