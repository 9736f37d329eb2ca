using Trawl.Vectors.Kernels;
using Trawl.Vectors.Pca;
using Xunit;

namespace Trawl.Vectors.Tests.Projections;

public sealed class PcaTests
{
    /// <summary>Rows with a known spectrum: independent components scaled 8, 4, 2, 1, 0.5, ... then rotated and shifted.</summary>
    private static (float[] Rows, int Dim) Anisotropic(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var rows = new float[n * d];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < d; c++)
                rows[i * d + c] = (float)((rng.NextDouble() * 2 - 1) * Math.Pow(2, 3 - c)) + 0.25f * c;
        return (rows, d);
    }

    private static double[] NaiveCovariance(float[] rows, int d)
    {
        int n = rows.Length / d;
        var mean = new double[d];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < d; c++) mean[c] += rows[i * d + c];
        for (int c = 0; c < d; c++) mean[c] /= n;
        var cov = new double[d * d];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) cov[a * d + b] += (rows[i * d + a] - mean[a]) * (rows[i * d + b] - mean[b]);
        for (int x = 0; x < cov.Length; x++) cov[x] /= n;
        return cov;
    }

    public static IEnumerable<object[]> Levels() => TestData.Levels().Select(l => new object[] { l });

    [Theory]
    [MemberData(nameof(Levels))]
    public void Axes_are_orthonormal_eigenvectors_of_the_covariance_largest_first(SimdLevel level)
    {
        SimdLevels.Cap = level;
        try
        {
            var (rows, d) = Anisotropic(3000, 13, 1);
            var model = PcaTrainer.Fit(VectorMatrix.FromFloat32(rows, d), 5, threads: 2);
            double[] cov = NaiveCovariance(rows, d);
            for (int k = 0; k < 5; k++)
            {
                var v = model.Components.AsSpan(k * d, d);
                double norm = 0;
                for (int c = 0; c < d; c++) norm += v[c] * v[c];
                Assert.Equal(1.0, norm, 4);
                for (int a = 0; a < d; a++)
                {
                    double cv = 0;
                    for (int b = 0; b < d; b++) cv += cov[a * d + b] * v[b];
                    Assert.Equal(model.Variances[k] * v[a], cv, 3);
                }
                if (k > 0) Assert.True(model.Variances[k] <= model.Variances[k - 1]);
                for (int j = 0; j < k; j++)
                {
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += v[c] * model.Components[j * d + c];
                    Assert.Equal(0, dot, 4);
                }
            }
            // The largest axis is the first input coordinate (variance (8²)/3), the mean is the column means.
            Assert.Equal(64.0 / 3, model.Variances[0], 0);
            Assert.True(Math.Abs(model.Components[0]) > 0.99);
            Assert.Equal(0.25 * 12, model.Mean[12], 1);
            double trace = 0;
            for (int c = 0; c < d; c++) trace += cov[c * d + c];
            Assert.Equal(trace, model.TotalVariance, 3);
        }
        finally
        {
            SimdLevels.Cap = null;
        }
    }

    [Fact]
    public void Projection_is_the_dot_product_with_each_axis_after_centring()
    {
        var (rows, d) = Anisotropic(500, 9, 2);
        var model = PcaTrainer.Fit(VectorMatrix.FromFloat16(rows.Select(x => (Half)x).ToArray(), d), 3);
        float[] projected = model.Project(rows.AsSpan(0, 2 * d));
        for (int i = 0; i < 2; i++)
            for (int k = 0; k < 3; k++)
            {
                double expected = 0;
                for (int c = 0; c < d; c++) expected += (rows[i * d + c] - model.Mean[c]) * model.Components[k * d + c];
                Assert.Equal(expected, projected[i * 3 + k], 3);
            }
    }

    [Fact]
    public void A_sample_uses_evenly_spaced_rows_and_bad_arguments_are_refused()
    {
        var (rows, d) = Anisotropic(1000, 6, 3);
        var data = VectorMatrix.FromFloat32(rows, d);
        var sampled = PcaTrainer.Fit(data, 2, sample: 500);
        var all = PcaTrainer.Fit(data, 2);
        Assert.Equal(all.Variances[0], sampled.Variances[0], 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => PcaTrainer.Fit(data, 7));
        Assert.Throws<ArgumentException>(() => PcaTrainer.Fit(VectorMatrix.FromFloat32(rows.AsSpan(0, 6), 6), 1));
    }
}
