using Trawl.Vectors.Kernels;

namespace Trawl.Vectors.Sketches;

/// <summary>
/// Binary sketches by random hyperplanes (SimHash) on centred vectors: bit b of a row is set when
/// (row − mean) · plane_b &gt; 0. Hamming distance between sketches then tracks the angle between
/// vectors. The planes come from a seeded Gaussian generator, so a model is reproducible from its seed.
/// </summary>
public sealed unsafe class BinarySketcher
{
    public BinarySketcher(float[] mean, float[] planes, int bits)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(planes);
        if (bits < 1 || bits > VectorMatrix.MaxDimension || planes.Length != (long)bits * mean.Length)
            throw new ArgumentException($"{planes.Length} plane values is not {bits} planes of dimension {mean.Length}");
        Mean = mean;
        Planes = planes;
        Bits = bits;
    }

    public int Bits { get; }
    public int InputDimension => Mean.Length;
    public int Words => (Bits + 63) / 64;
    public float[] Mean { get; }
    /// <summary>Planes, row-major: plane b is <c>Planes[b*InputDimension ..]</c>.</summary>
    public float[] Planes { get; }

    /// <summary>A sketcher with <paramref name="bits"/> Gaussian planes; the mean is taken from up to <paramref name="sample"/> evenly spaced rows.</summary>
    public static BinarySketcher Create(VectorMatrix data, int bits, long sample = 100_000, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.ElementType is not (VectorElementType.Float32 or VectorElementType.Float16)) throw new ArgumentException("sketches need float vectors", nameof(data));
        if (data.Rows == 0) throw new ArgumentException("sketches need at least one row to centre on", nameof(data));
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        int d = data.Dimension;
        long n = Math.Min(Math.Max(1, sample), data.Rows);
        var sum = new double[d];
        var row = new float[d];
        for (long i = 0; i < n; i++)
        {
            data.CopyRowTo((long)((double)i * data.Rows / n), row);
            for (int c = 0; c < d; c++) sum[c] += row[c];
        }
        var rng = new Random(seed);
        var planes = new float[(long)bits * d];
        for (long i = 0; i < planes.Length; i += 2)
        {
            // Box–Muller: two standard normals per pair of uniforms.
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            double r = Math.Sqrt(-2 * Math.Log(u1));
            planes[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < planes.Length) planes[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
        }
        return new BinarySketcher(sum.Select(s => (float)(s / n)).ToArray(), planes, bits);
    }

    /// <summary>Sketches rows [first, first+count) into <paramref name="output"/> (count × Words words).</summary>
    public void Sketch(VectorMatrix data, long first, int count, Span<ulong> output)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Dimension != InputDimension) throw new ArgumentException($"the vectors have dimension {data.Dimension}, the sketcher expects {InputDimension}", nameof(data));
        if (output.Length < (long)count * Words) throw new ArgumentException("output is too short", nameof(output));
        var kernels = KernelSet.Current;
        int d = InputDimension;
        float[] row = GC.AllocateUninitializedArray<float>(d, pinned: true);
        output[..(count * Words)].Clear();
        fixed (float* planes = Planes)
        fixed (float* r = row)
        {
            for (int i = 0; i < count; i++)
            {
                data.CopyRowTo(first + i, row);
                for (int c = 0; c < d; c++) r[c] -= Mean[c];
                for (int b = 0; b < Bits; b++)
                    if (kernels.DotF32(r, planes + (long)b * d, d) > 0)
                        output[i * Words + b / 64] |= 1UL << (b % 64);
            }
        }
    }

    /// <summary>Sketches float rows (row-major).</summary>
    public ulong[] Sketch(ReadOnlySpan<float> rows)
    {
        var m = VectorMatrix.FromFloat32(rows, InputDimension);
        var output = new ulong[m.Rows * Words];
        Sketch(m, 0, (int)m.Rows, output);
        return output;
    }
}
