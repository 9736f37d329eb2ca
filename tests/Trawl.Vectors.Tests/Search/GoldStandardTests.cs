using Trawl.Vectors.GroundTruth;
using Xunit;

namespace Trawl.Vectors.Tests.Search;

public sealed class GoldStandardTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gold_matches_a_brute_force_double_scan(bool float64)
    {
        var rng = new Random(3);
        int d = 16, n = 700, nq = 25, k = 12;
        float[] rows = TestData.Floats(rng, n * d);
        float[] queries = TestData.Floats(rng, nq * d);
        var (ids, dists) = GoldStandard.Compute(VectorMatrix.FromFloat32(rows, d), queries, k, float64);
        for (int q = 0; q < nq; q++)
        {
            var expected = Enumerable.Range(0, n)
                .Select(i => (Dist: 1 - Enumerable.Range(0, d).Sum(c => (double)queries[q * d + c] * rows[i * d + c]), Id: (long)i))
                .OrderBy(t => t.Dist).ThenBy(t => t.Id).Take(k).ToArray();
            for (int j = 0; j < k; j++)
            {
                Assert.Equal(expected[j].Id, ids[q * k + j]);
                Assert.True(Math.Abs(expected[j].Dist - dists[q * k + j]) < 1e-4, $"query {q} rank {j}: {dists[q * k + j]} vs {expected[j].Dist}");
            }
        }
    }

    [Fact]
    public void Recall_counts_overlap_over_k_and_forgives_ties_at_the_kth_distance()
    {
        long[] gold = [10, 11, 12, 13, 20, 21, 22, 23];
        float[] gd = [0.1f, 0.2f, 0.3f, 0.3f, 0.1f, 0.2f, 0.3f, 0.4f];
        // Query 0: k = 3, the 3rd and 4th gold tie, so 13 counts in place of 12. Query 1: one of three found.
        long[] result = [10, 11, 13, 21, 99, 98];
        var (mean, per) = ChallengeRecall.Compute(gold, gd, 4, result, 3, 3);
        Assert.Equal(1.0, per[0], 10);
        Assert.Equal(1.0 / 3, per[1], 10);
        Assert.Equal((1.0 + 1.0 / 3) / 2, mean, 10);
        // Without distances there is no tie handling.
        var (_, strict) = ChallengeRecall.Compute(gold, [], 4, result, 3, 3);
        Assert.Equal(2.0 / 3, strict[0], 10);
        // A duplicated id is counted once.
        var (_, dup) = ChallengeRecall.Compute(gold, gd, 4, [10, 10, 10, 20, 21, 22], 3, 3);
        Assert.Equal(1.0 / 3, dup[0], 10);
        Assert.Throws<ArgumentException>(() => ChallengeRecall.Compute(gold, gd, 4, result, 3, 4));
    }
}
