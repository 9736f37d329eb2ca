using Trawl.Vectors.GroundTruth;

namespace Trawl.Store.Sisap;

/// <summary><c>trawl recall</c>: a result file scored against a gold standard as the challenge scores it.</summary>
public static class SisapRecall
{
    /// <param name="Flags">Problems found in the result that did not stop scoring (e.g. more than k ids per query).</param>
    public sealed record Report(string Gold, string Result, int Queries, int K, int ResultK, double Recall, double MinQueryRecall, IReadOnlyList<string> Flags,
        IReadOnlyDictionary<string, string> ResultAttributes);

    public static Report Run(string goldPath, string resultPath, int k)
    {
        var gold = NeighbourFile.Read(goldPath, "the gold standard");
        var result = NeighbourFile.Read(resultPath, "the result");
        return Score(gold, result, k);
    }

    public static Report Score(NeighbourFile gold, NeighbourFile result, int k)
    {
        if (k < 1) throw new UserErrorException("--k must be at least 1");
        var flags = new List<string>();
        if (result.Queries != gold.Queries)
        {
            string hint = result.K == gold.Queries ? " (it looks transposed: write knns as queries × k as h5py sees it)" : "";
            throw new UserErrorException($"{result.Path}: 'knns' has {result.Queries} rows but the gold standard has {gold.Queries} queries{hint}");
        }
        if (result.SmallestStoredId == 0)
            throw new UserErrorException($"{result.Path}: 'knns' holds id 0; the challenge's ids are 1-based (row i of the base is id i + 1). Add 1 to every id");
        if (result.SmallestStoredId < 0)
            throw new UserErrorException($"{result.Path}: 'knns' holds negative ids ({result.SmallestStoredId})");
        if (k > gold.K) throw new UserErrorException($"--k {k} is more than the gold standard's {gold.K} neighbours per query");
        if (result.K < k) throw new UserErrorException($"{result.Path}: 'knns' has {result.K} ids per query, fewer than --k {k}");
        if (result.K > k) flags.Add($"the result has {result.K} ids per query, more than k = {k}; only the first {k} are scored");
        var (mean, per) = ChallengeRecall.Compute(gold.Ids, gold.Distances, gold.K, result.Ids, result.K, k);
        if (gold.Distances.Length == 0) flags.Add("the gold standard has no 'dists': ties at the k-th distance cannot be recognised");
        return new Report(gold.Path, result.Path, gold.Queries, k, result.K, mean, per.Length == 0 ? 1 : per.Min(), flags, result.Attributes);
    }
}
