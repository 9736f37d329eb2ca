namespace Trawl.Cli.Demo;

/// <summary>Samples ranks 0..n-1 with probability proportional to 1/(rank+1)^s, by binary search in the cumulative weights.</summary>
internal sealed class ZipfTable
{
    private readonly double[] _cumulative;

    public ZipfTable(int n, double s)
    {
        _cumulative = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            total += 1.0 / Math.Pow(i + 1, s);
            _cumulative[i] = total;
        }
        for (int i = 0; i < n; i++)
            _cumulative[i] /= total;
    }

    public int Count => _cumulative.Length;

    public int Sample(ref DemoRandom random)
    {
        int i = Array.BinarySearch(_cumulative, random.NextDouble());
        if (i < 0)
            i = ~i;
        return Math.Min(i, _cumulative.Length - 1);
    }
}
