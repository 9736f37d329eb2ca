using Trawl.Vectors.Search;
using Trawl.Vectors.Sketches;
using Xunit;

namespace Trawl.Vectors.Tests.Projections;

public sealed class SketchTests
{
    [Fact]
    public void Each_bit_is_the_sign_of_the_centred_dot_product_with_its_plane()
    {
        var rng = new Random(5);
        int d = 24;
        float[] rows = TestData.Floats(rng, 50 * d);
        var data = VectorMatrix.FromFloat32(rows, d);
        var sketcher = BinarySketcher.Create(data, 100, seed: 9);
        Assert.Equal(2, sketcher.Words);
        ulong[] bits = sketcher.Sketch(rows);
        for (int i = 0; i < 50; i++)
            for (int b = 0; b < 100; b++)
            {
                double dot = 0;
                for (int c = 0; c < d; c++) dot += (rows[i * d + c] - sketcher.Mean[c]) * sketcher.Planes[b * d + c];
                bool set = (bits[i * 2 + b / 64] >> (b % 64) & 1) != 0;
                if (Math.Abs(dot) > 1e-4) Assert.Equal(dot > 0, set);
            }
        // Bits past the last plane stay clear; the same seed gives the same planes.
        Assert.All(Enumerable.Range(0, 50), i => Assert.Equal(0UL, bits[i * 2 + 1] >> 36));
        Assert.Equal(sketcher.Planes, BinarySketcher.Create(data, 100, seed: 9).Planes);
    }

    [Fact]
    public void Hamming_search_over_sketches_finds_most_true_neighbours()
    {
        var rng = new Random(8);
        int d = 32, n = 3000;
        float[] rows = TestData.Floats(rng, n * d);
        var data = VectorMatrix.FromFloat32(rows, d);
        var sketcher = BinarySketcher.Create(data, 1024);
        var sketches = VectorMatrix.FromBits(sketcher.Sketch(rows), 1024);
        var exact = ExactSearch.Create(data, VectorMetric.Cosine);
        var hamming = ExactSearch.Create(sketches, VectorMetric.Hamming);
        var found = new List<IReadOnlyList<long>>();
        var truth = new List<IReadOnlyList<long>>();
        for (int q = 0; q < 30; q++)
        {
            truth.Add(exact.Search(rows.AsSpan(q * d, d), 10).Ids);
            found.Add(hamming.Search(sketcher.Sketch(rows.AsSpan(q * d, d)), 10).Ids);
        }
        double recall = Recall.AtK(found, truth, 10);
        Assert.True(recall > 0.5, $"recall@10 {recall}");
    }
}
