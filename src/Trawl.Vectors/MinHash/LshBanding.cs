namespace Trawl.Vectors.MinHash;

/// <summary>
/// How a MinHash signature is cut into bands for locality-sensitive hashing: two rows become candidates
/// when all <see cref="Rows"/> values of some band agree, which happens with probability
/// 1 − (1 − s^r)^b for Jaccard similarity s. <see cref="For"/> picks the split whose S-curve midpoint
/// (1/b)^(1/r) is the largest one at or below the threshold, so pairs at the threshold are likely found.
/// </summary>
public readonly record struct LshBanding(int Bands, int Rows)
{
    /// <summary>The similarity at which a pair is found half the time, about (1/b)^(1/r).</summary>
    public double Midpoint => Math.Pow(1.0 / Bands, 1.0 / Rows);

    /// <summary>The chance a pair of Jaccard similarity <paramref name="s"/> becomes a candidate.</summary>
    public double CandidateProbability(double s) => 1 - Math.Pow(1 - Math.Pow(s, Rows), Bands);

    public static LshBanding For(int permutations, double threshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        LshBanding best = new(permutations, 1);
        for (int r = 1; r <= permutations; r++)
        {
            if (permutations % r != 0) continue;
            var c = new LshBanding(permutations / r, r);
            // Ask for a 0.95 chance of finding a pair right at the threshold; among those, the fewest false candidates (largest r).
            if (c.CandidateProbability(threshold) >= 0.95) best = c;
        }
        return best;
    }
}
