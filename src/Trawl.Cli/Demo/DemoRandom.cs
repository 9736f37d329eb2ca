namespace Trawl.Cli.Demo;

/// <summary>
/// SplitMix64: a tiny, fast generator whose sequence is fixed by its seed on every platform and
/// runtime version (System.Random's seeded sequence is not a documented contract).
/// </summary>
internal struct DemoRandom
{
    private ulong _state;

    public DemoRandom(long seed) => _state = (ulong)seed ^ 0x9E3779B97F4A7C15UL;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => (int)((NextUInt64() >> 33) % (ulong)n);

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];
}
