namespace Trawl.Vectors.Search;

/// <summary>Recall of found ids against ground-truth ids.</summary>
public static class Recall
{
    /// <summary>
    /// Mean over queries of |found[:k] ∩ truth[:k]| / min(k, |truth|), i.e. recall@k.
    /// Queries with no truth count as 1.
    /// </summary>
    public static double AtK(IReadOnlyList<IReadOnlyList<long>> found, IReadOnlyList<IReadOnlyList<long>> truth, int k)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (found.Count != truth.Count) throw new ArgumentException($"{found.Count} result lists for {truth.Count} ground-truth lists");
        if (found.Count == 0) return 1.0;
        double total = 0;
        var wanted = new HashSet<long>();
        for (int q = 0; q < found.Count; q++)
        {
            wanted.Clear();
            int t = Math.Min(k, truth[q].Count);
            for (int i = 0; i < t; i++) wanted.Add(truth[q][i]);
            if (wanted.Count == 0)
            {
                total += 1;
                continue;
            }
            int relevant = wanted.Count;
            int hits = 0;
            int f = Math.Min(k, found[q].Count);
            for (int i = 0; i < f; i++)
                if (wanted.Remove(found[q][i])) hits++;
            total += (double)hits / relevant;
        }
        return total / found.Count;
    }
}
