using Trawl.Vectors.Kernels;

namespace Trawl.Vectors.Pca;

/// <summary>
/// Fits a <see cref="PcaModel"/>: the covariance of a sample of rows (blocks of rows transposed to
/// floats and multiplied with the 4×4 dot-product kernel, summed in double per block and per thread),
/// then its eigen-decomposition.
/// </summary>
public static unsafe class PcaTrainer
{
    private const int BlockRows = 256;

    /// <param name="sample">Rows used (evenly spaced over the set); null or ≥ Rows uses every row.</param>
    /// <param name="progress">Called with rows done so far (from worker threads).</param>
    public static PcaModel Fit(VectorMatrix data, int dimensions, long? sample = null, int? threads = null, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.ElementType is not (VectorElementType.Float32 or VectorElementType.Float16)) throw new ArgumentException("PCA needs float vectors", nameof(data));
        int d = data.Dimension;
        if (dimensions < 1 || dimensions > d) throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"PCA dimensions must be 1..{d}");
        long n = sample is { } s && s < data.Rows ? s : data.Rows;
        if (n < 2) throw new ArgumentException("PCA needs at least 2 rows", nameof(data));
        long rows = data.Rows;
        long RowOf(long i) => n == rows ? i : (long)((double)i * rows / n);

        int padded = (d + 3) & ~3;
        int workers = Math.Max(1, threads ?? Environment.ProcessorCount);
        long blocks = (n + BlockRows - 1) / BlockRows;
        var kernels = KernelSet.Current;
        var partialCov = new double[workers][];
        var partialSum = new double[workers][];
        long nextBlock = -1, done = 0;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var cov = new double[(long)padded * padded];
            var sum = new double[padded];
            float[] xt = GC.AllocateArray<float>(padded * BlockRows, pinned: true);
            float[] row = GC.AllocateArray<float>(d, pinned: true);
            float* tile = stackalloc float[16];
            fixed (float* x = xt)
            {
                long b;
                while ((b = Interlocked.Increment(ref nextBlock)) < blocks)
                {
                    long start = b * BlockRows;
                    int count = (int)Math.Min(BlockRows, n - start);
                    // Transposed block: component c of the block's rows at x[c*BlockRows ..]; unused rows stay zero.
                    if (count < BlockRows) Array.Clear(xt);
                    for (int i = 0; i < count; i++)
                    {
                        data.CopyRowTo(RowOf(start + i), row);
                        for (int c = 0; c < d; c++)
                        {
                            x[c * BlockRows + i] = row[c];
                            sum[c] += row[c];
                        }
                    }
                    for (int i = 0; i < padded; i += 4)
                        for (int j = i; j < padded; j += 4)
                        {
                            kernels.Dot4x4F32(x + (long)i * BlockRows, BlockRows, x + (long)j * BlockRows, BlockRows, BlockRows, tile);
                            for (int a = 0; a < 4; a++)
                                for (int c = 0; c < 4; c++)
                                    cov[(long)(i + a) * padded + j + c] += tile[a * 4 + c];
                        }
                    progress?.Invoke(Interlocked.Add(ref done, count));
                }
            }
            partialCov[w] = cov;
            partialSum[w] = sum;
        });

        var mean = new double[d];
        for (int w = 0; w < workers; w++)
            for (int c = 0; c < d; c++) mean[c] += partialSum[w][c];
        for (int c = 0; c < d; c++) mean[c] /= n;
        var covariance = new double[(long)d * d];
        double trace = 0;
        for (int i = 0; i < d; i++)
            for (int j = i; j < d; j++)
            {
                // The tile loops filled every (i, j ≥ i) entry (whole 4×4 tiles on and above the diagonal).
                double total = 0;
                for (int w = 0; w < workers; w++) total += partialCov[w][(long)i * padded + j];
                double v = total / n - mean[i] * mean[j];
                covariance[(long)i * d + j] = v;
                covariance[(long)j * d + i] = v;
                if (i == j) trace += v;
            }
        double[] values = SymmetricEigen.Decompose(covariance, d);
        var components = new float[dimensions * d];
        var variances = new double[dimensions];
        for (int k = 0; k < dimensions; k++)
        {
            int col = d - 1 - k;
            variances[k] = values[col];
            // Sign convention: the largest-magnitude coordinate of each axis is positive (deterministic output).
            double best = 0;
            for (int c = 0; c < d; c++)
                if (Math.Abs(covariance[(long)c * d + col]) > Math.Abs(best)) best = covariance[(long)c * d + col];
            double sign = best < 0 ? -1 : 1;
            for (int c = 0; c < d; c++) components[k * d + c] = (float)(sign * covariance[(long)c * d + col]);
        }
        return new PcaModel(mean.Select(v => (float)v).ToArray(), components, variances) { TotalVariance = trace };
    }
}
