using Trawl.ClickHouse.Queries;
using Trawl.Vectors;

namespace Trawl.ClickHouse.Tests;

/// <summary>The oracle for kNN over <see cref="LaionLikeDataset"/>: every row scored in doubles, best first, ties by id.</summary>
public static class ExactKnn
{
    public delegate ReadOnlySpan<float> RowOf(long row);

    public static List<KnnHit> Top(RowOf rowOf, float[] q, VectorMetric metric, HashSet<long>? allowed, int k)
    {
        var scored = new List<KnnHit>();
        double qn = Math.Sqrt(q.Sum(x => (double)x * x));
        for (long i = 0; i < LaionLikeDataset.Rows; i++)
        {
            if (allowed is not null && !allowed.Contains(i))
                continue;
            var v = rowOf(i);
            double dot = 0, vn = 0, l2 = 0;
            for (int d = 0; d < v.Length; d++)
            {
                dot += (double)v[d] * q[d];
                vn += (double)v[d] * v[d];
                l2 += ((double)v[d] - q[d]) * ((double)v[d] - q[d]);
            }
            scored.Add(new KnnHit(i, metric switch { VectorMetric.Cosine => dot / (Math.Sqrt(vn) * qn), VectorMetric.L2 => Math.Sqrt(l2), _ => dot }));
        }
        var ordered = metric == VectorMetric.L2 ? scored.OrderBy(h => h.Score) : scored.OrderByDescending(h => h.Score);
        return ordered.ThenBy(h => h.Id).Take(k).ToList();
    }
}
