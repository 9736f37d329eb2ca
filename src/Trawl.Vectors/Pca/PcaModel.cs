using Trawl.Vectors.Kernels;

namespace Trawl.Vectors.Pca;

/// <summary>
/// A fitted PCA: the training mean and the top principal axes (unit vectors, largest variance first),
/// with the variance each explains. <c>Project</c> maps a row to its coordinates on the axes.
/// </summary>
public sealed unsafe class PcaModel
{
    public PcaModel(float[] mean, float[] components, double[] variances)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(variances);
        if (mean.Length == 0 || components.Length != mean.Length * variances.Length || variances.Length == 0)
            throw new ArgumentException($"components ({components.Length}) must be {variances.Length} axes of dimension {mean.Length}");
        Mean = mean;
        Components = components;
        Variances = variances;
    }

    /// <summary>Input dimension.</summary>
    public int InputDimension => Mean.Length;
    /// <summary>Output dimension (number of axes).</summary>
    public int Dimensions => Variances.Length;
    public float[] Mean { get; }
    /// <summary>Axes, row-major: axis j is <c>Components[j*InputDimension ..]</c>.</summary>
    public float[] Components { get; }
    /// <summary>Variance along each axis (eigenvalues of the covariance), largest first.</summary>
    public double[] Variances { get; }
    /// <summary>Total variance of the training data (trace of the covariance), for the explained fraction.</summary>
    public double TotalVariance { get; init; }

    /// <summary>Projects rows [first, first+count) of <paramref name="data"/> into <paramref name="output"/> (count × Dimensions).</summary>
    public void Project(VectorMatrix data, long first, int count, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Dimension != InputDimension) throw new ArgumentException($"the vectors have dimension {data.Dimension}, the model expects {InputDimension}", nameof(data));
        if (output.Length < (long)count * Dimensions) throw new ArgumentException("output is too short", nameof(output));
        var kernels = KernelSet.Current;
        int d = InputDimension, m = Dimensions;
        float[] row = GC.AllocateUninitializedArray<float>(d, pinned: true);
        fixed (float* comps = Components)
        fixed (float* r = row)
        {
            for (int i = 0; i < count; i++)
            {
                data.CopyRowTo(first + i, row);
                for (int c = 0; c < d; c++) r[c] -= Mean[c];
                for (int j = 0; j < m; j++) output[i * m + j] = kernels.DotF32(r, comps + (long)j * d, d);
            }
        }
    }

    /// <summary>Projects float rows (row-major, whole rows of InputDimension).</summary>
    public float[] Project(ReadOnlySpan<float> rows)
    {
        if (rows.Length % InputDimension != 0) throw new ArgumentException($"{rows.Length} values is not a whole number of {InputDimension}-dimensional rows", nameof(rows));
        var m = VectorMatrix.FromFloat32(rows, InputDimension);
        var output = new float[m.Rows * Dimensions];
        Project(m, 0, (int)m.Rows, output);
        return output;
    }
}
