namespace Trawl.Bench.Captions;

/// <summary>Draws ranks 0..n-1 with probability proportional to 1/(rank+1)^s, by binary search
/// over the cumulative distribution.</summary>
internal sealed class ZipfSampler
{
    private readonly double[] _cumulative;

    public ZipfSampler(int n, double exponent)
    {
        _cumulative = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += 1.0 / Math.Pow(i + 1, exponent);
            _cumulative[i] = sum;
        }
        for (int i = 0; i < n; i++)
            _cumulative[i] /= sum;
        _cumulative[n - 1] = 1.0;
    }

    public int Count => _cumulative.Length;

    /// <summary>Probability of drawing <paramref name="rank"/>.</summary>
    public double Probability(int rank) => rank == 0 ? _cumulative[0] : _cumulative[rank] - _cumulative[rank - 1];

    public int Next(ref SplitMix64 random)
    {
        int i = Array.BinarySearch(_cumulative, random.NextDouble());
        return i >= 0 ? i + 1 < _cumulative.Length ? i + 1 : i : ~i;
    }
}
