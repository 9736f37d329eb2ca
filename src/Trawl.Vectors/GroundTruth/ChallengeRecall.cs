namespace Trawl.Vectors.GroundTruth;

/// <summary>
/// Recall@k as the SISAP challenge scores a run: for each query, the returned ids (the first k) that are
/// among the true top k, divided by k, averaged over queries. A tie at the k-th true distance is not held
/// against the run: every gold id whose distance equals the k-th one also counts as a true neighbour (as
/// big-ann-benchmarks' compute_recall_with_distance_ties does), and a query never scores above 1.
/// </summary>
public static class ChallengeRecall
{
    /// <param name="goldIds">nq × goldK ids (any base, the same as the result's)</param>
    /// <param name="goldDistances">nq × goldK distances, ascending per query (null: no tie handling)</param>
    /// <param name="resultIds">nq × resultK ids</param>
    /// <returns>The mean recall and each query's.</returns>
    public static (double Mean, double[] PerQuery) Compute(ReadOnlySpan<long> goldIds, ReadOnlySpan<float> goldDistances, int goldK, ReadOnlySpan<long> resultIds, int resultK, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (k > goldK) throw new ArgumentException($"k = {k} is more than the gold standard's {goldK} neighbours per query");
        if (k > resultK) throw new ArgumentException($"k = {k} is more than the result's {resultK} ids per query");
        if (goldIds.Length % goldK != 0 || resultIds.Length % resultK != 0) throw new ArgumentException("ids are not whole rows");
        int nq = goldIds.Length / goldK;
        if (resultIds.Length / resultK != nq) throw new ArgumentException($"the result has {resultIds.Length / resultK} queries, the gold standard {nq}");
        bool ties = !goldDistances.IsEmpty;
        if (ties && goldDistances.Length != goldIds.Length) throw new ArgumentException("gold distances and ids differ in size");
        var perQuery = new double[nq];
        var truth = new HashSet<long>();
        double total = 0;
        for (int q = 0; q < nq; q++)
        {
            truth.Clear();
            var g = goldIds.Slice(q * goldK, goldK);
            int t = k;
            if (ties)
            {
                var gd = goldDistances.Slice(q * goldK, goldK);
                float kth = gd[k - 1];
                while (t < goldK && gd[t] == kth) t++;
            }
            for (int i = 0; i < t; i++) truth.Add(g[i]);
            int hits = 0;
            var r = resultIds.Slice(q * resultK, k);
            foreach (long id in r)
                if (truth.Remove(id)) hits++;
            perQuery[q] = Math.Min(1.0, (double)hits / k);
            total += perQuery[q];
        }
        return (nq == 0 ? 1 : total / nq, perQuery);
    }
}
