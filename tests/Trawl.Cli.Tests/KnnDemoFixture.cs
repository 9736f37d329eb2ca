using Trawl.Vectors.Storage;

namespace Trawl.Cli.Tests;

/// <summary>A 3,000-row demo dataset (with its 'image' vector set) built once through <c>trawl demo</c>.</summary>
public sealed class KnnDemoFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public KnnDemoFixture()
    {
        CliRun.Of("demo", "--rows", "3000", "--dir", _folder.Path, "--no-serve", "--seed", "5").Ok();
        Dataset = _folder.Combine("demo.trawl");
        using var set = VectorSetFile.Open(System.IO.Path.Combine(Dataset, "vectors", "image.f16"));
        Dimension = set.Header.Dimension;
        Count = set.Header.Count;
        Vectors = new float[Count * Dimension];
        for (long i = 0; i < Count; i++)
            set.Matrix.CopyRowTo(i, Vectors.AsSpan((int)(i * Dimension), Dimension));
    }

    public string Dataset { get; }
    public int Dimension { get; }
    public long Count { get; }

    /// <summary>The set's vectors widened to float, row-major.</summary>
    public float[] Vectors { get; }

    public string Path(string name) => _folder.Combine(name);

    /// <summary>Ids best first by a plain double-precision inner-product scan, ties by smaller id.</summary>
    public long[] NaiveTop(ReadOnlySpan<float> query, int k, Func<long, bool> allowed)
    {
        var q = query.ToArray();
        var scored = new List<(double, long)>();
        for (long i = 0; i < Count; i++)
        {
            if (!allowed(i))
                continue;
            double dot = 0;
            for (int d = 0; d < Dimension; d++)
                dot += (double)q[d] * Vectors[i * Dimension + d];
            scored.Add((dot, i));
        }
        return scored.OrderByDescending(s => s.Item1).ThenBy(s => s.Item2).Take(k).Select(s => s.Item2).ToArray();
    }

    public void Dispose() => _folder.Dispose();
}
