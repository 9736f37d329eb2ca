namespace Trawl.Vectors.Tests.Search;

/// <summary>The obvious implementation, in double precision: the oracle the exact search is checked against.</summary>
internal static class NaiveSearch
{
    public static (long[] Ids, double[] Scores) Run(float[] data, int dim, float[] query, VectorMetric metric, int k, Func<long, bool>? allow = null)
    {
        int rows = data.Length / dim;
        double queryNorm = Math.Sqrt(query.Sum(v => (double)v * v));
        var scored = new List<(long Id, double Score)>();
        for (int r = 0; r < rows; r++)
        {
            if (allow is not null && !allow(r)) continue;
            double dot = 0, l2 = 0, norm = 0;
            for (int i = 0; i < dim; i++)
            {
                double x = data[r * dim + i];
                dot += x * query[i];
                l2 += (x - query[i]) * (x - query[i]);
                norm += x * x;
            }
            double score = metric switch
            {
                VectorMetric.InnerProduct => dot,
                VectorMetric.Cosine => norm > 0 ? dot / (Math.Sqrt(norm) * queryNorm) : 0,
                _ => l2,
            };
            scored.Add((r, score));
        }
        IEnumerable<(long Id, double Score)> ordered = metric == VectorMetric.L2
            ? scored.OrderBy(s => s.Score).ThenBy(s => s.Id)
            : scored.OrderByDescending(s => s.Score).ThenBy(s => s.Id);
        var top = ordered.Take(k).ToArray();
        return (top.Select(t => t.Id).ToArray(), top.Select(t => t.Score).ToArray());
    }
}
