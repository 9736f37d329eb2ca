using System.Numerics;
using System.Runtime.CompilerServices;

namespace Trawl.Vectors.Indexes.IvfPq;

/// <summary>
/// Product quantiser: the vector is cut into m sub-vectors of dim/m components, each replaced by
/// the nearest of 256 centroids (one byte). Codebooks are stored transposed (sub-space, component,
/// centroid), so the distances from a sub-vector to all 256 centroids are a few vector operations
/// per component; encoding and the per-query look-up tables both use that.
/// </summary>
internal sealed unsafe class ProductQuantizer
{
    public const int Centroids = 256;

    public ProductQuantizer(int dimension, int subQuantizers, float[] codebooks)
    {
        Dimension = dimension;
        M = subQuantizers;
        SubDimension = dimension / subQuantizers;
        if (codebooks.Length != dimension * Centroids) throw new ArgumentException("codebook size does not fit the dimension");
        Codebooks = codebooks;
    }

    public int Dimension { get; }
    public int M { get; }
    public int SubDimension { get; }
    /// <summary>[m][dsub][256] floats.</summary>
    public float[] Codebooks { get; }

    /// <summary>Trains the codebooks on residuals (n rows of dim floats).</summary>
    public static ProductQuantizer Train(float[] residuals, int n, int dimension, int m, int iterations, int seed, int threads)
    {
        int dsub = dimension / m;
        var codebooks = new float[dimension * Centroids];
        Parallel.For(0, m, new ParallelOptions { MaxDegreeOfParallelism = threads }, j =>
        {
            var points = new float[(long)n * dsub];
            for (int i = 0; i < n; i++) Array.Copy(residuals, (long)i * dimension + j * dsub, points, (long)i * dsub, dsub);
            float[] centroids = KMeans.Train(points, n, dsub, Centroids, iterations, seed + j, (c, assignment) =>
            {
                var transposed = Transpose(c, dsub);
                float* distances = stackalloc float[Centroids];
                fixed (float* t = transposed)
                fixed (float* p = points)
                    for (int i = 0; i < n; i++)
                    {
                        L2ToAll(p + (long)i * dsub, t, dsub, distances);
                        assignment[i] = ArgMin(distances);
                    }
            });
            Transpose(centroids, dsub).CopyTo(codebooks, j * dsub * Centroids);
        });
        return new ProductQuantizer(dimension, m, codebooks);
    }

    private static float[] Transpose(float[] centroids, int dsub)
    {
        var t = new float[dsub * Centroids];
        for (int c = 0; c < Centroids; c++)
            for (int d = 0; d < dsub; d++) t[d * Centroids + c] = centroids[c * dsub + d];
        return t;
    }

    /// <summary>Squared distances from a sub-vector to the 256 centroids of a transposed codebook.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void L2ToAll(float* x, float* codebook, int dsub, float* output)
    {
        int width = Vector<float>.Count;
        for (int c = 0; c < Centroids; c += width)
        {
            Vector<float> sum = Vector<float>.Zero;
            for (int d = 0; d < dsub; d++)
            {
                Vector<float> diff = new Vector<float>(x[d]) - Unsafe.ReadUnaligned<Vector<float>>(codebook + d * Centroids + c);
                sum += diff * diff;
            }
            Unsafe.WriteUnaligned(output + c, sum);
        }
    }

    /// <summary>Dot products of a sub-vector with the 256 centroids of a transposed codebook.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DotToAll(float* x, float* codebook, int dsub, float* output)
    {
        int width = Vector<float>.Count;
        for (int c = 0; c < Centroids; c += width)
        {
            Vector<float> sum = Vector<float>.Zero;
            for (int d = 0; d < dsub; d++) sum += new Vector<float>(x[d]) * Unsafe.ReadUnaligned<Vector<float>>(codebook + d * Centroids + c);
            Unsafe.WriteUnaligned(output + c, sum);
        }
    }

    /// <summary>Scalar reference of <see cref="L2ToAll"/> (for tests).</summary>
    public static void L2ToAllScalar(float* x, float* codebook, int dsub, float* output)
    {
        for (int c = 0; c < Centroids; c++)
        {
            float sum = 0;
            for (int d = 0; d < dsub; d++)
            {
                float diff = x[d] - codebook[d * Centroids + c];
                sum += diff * diff;
            }
            output[c] = sum;
        }
    }

    public static int ArgMin(float* values)
    {
        int best = 0;
        for (int c = 1; c < Centroids; c++) if (values[c] < values[best]) best = c;
        return best;
    }

    /// <summary>Codes of one residual vector.</summary>
    public void Encode(float* residual, byte* code, float* scratch256)
    {
        fixed (float* books = Codebooks)
            for (int j = 0; j < M; j++)
            {
                L2ToAll(residual + j * SubDimension, books + j * SubDimension * Centroids, SubDimension, scratch256);
                code[j] = (byte)ArgMin(scratch256);
            }
    }

    /// <summary>Look-up table [m][256] of squared distances from a residual query's sub-vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void L2Table(float* residualQuery, float* table, float* codebooks)
    {
        for (int j = 0; j < M; j++)
            L2ToAll(residualQuery + j * SubDimension, codebooks + j * SubDimension * Centroids, SubDimension, table + j * Centroids);
    }

    /// <summary>Look-up table [m][256] of dot products with a query's sub-vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DotTable(float* query, float* table, float* codebooks)
    {
        for (int j = 0; j < M; j++)
            DotToAll(query + j * SubDimension, codebooks + j * SubDimension * Centroids, SubDimension, table + j * Centroids);
    }
}
