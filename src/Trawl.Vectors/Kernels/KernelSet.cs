namespace Trawl.Vectors.Kernels;

/// <summary>
/// The distance kernels of one instruction-set level, as function pointers. A search picks its
/// set once when it is created, so the hot loops make no feature checks.
/// </summary>
internal sealed unsafe class KernelSet
{
    private static readonly KernelSet ScalarSet = new(SimdLevel.Scalar);
    private static readonly KernelSet Vector256Set = new(SimdLevel.Vector256);
    private static readonly KernelSet Vector512Set = new(SimdLevel.Vector512);

    private KernelSet(SimdLevel level)
    {
        Level = level;
        switch (level)
        {
            case SimdLevel.Vector512:
                DotF32 = &Vector512Kernels.DotF32;
                L2F32 = &Vector512Kernels.L2F32;
                CosineF32 = &Vector512Kernels.CosineF32;
                DotF16 = &Vector512Kernels.DotF16;
                DotF16Prescaled = &Vector512Kernels.DotF16Prescaled;
                L2F16 = &Vector512Kernels.L2F16;
                WidenF16 = &Vector512Kernels.WidenF16;
                DotI8 = &Vector512Kernels.DotI8;
                L2I8 = &Vector512Kernels.L2I8;
                Hamming = &Vector512Kernels.Hamming;
                HammingRows = &Vector512Kernels.HammingRows;
                HammingRows4 = &Vector512Kernels.HammingRows4;
                Dot4x4F32 = &Vector512Kernels.Dot4x4F32;
                break;
            case SimdLevel.Vector256:
                DotF32 = &Vector256Kernels.DotF32;
                L2F32 = &Vector256Kernels.L2F32;
                CosineF32 = &Vector256Kernels.CosineF32;
                DotF16 = &Vector256Kernels.DotF16;
                DotF16Prescaled = &Vector256Kernels.DotF16Prescaled;
                L2F16 = &Vector256Kernels.L2F16;
                WidenF16 = &Vector256Kernels.WidenF16;
                DotI8 = &Vector256Kernels.DotI8;
                L2I8 = &Vector256Kernels.L2I8;
                Hamming = &Vector256Kernels.Hamming;
                HammingRows = &Vector256Kernels.HammingRows;
                HammingRows4 = &Vector256Kernels.HammingRows4;
                Dot4x4F32 = &Vector256Kernels.Dot4x4F32;
                break;
            default:
                DotF32 = &ScalarKernels.DotF32;
                L2F32 = &ScalarKernels.L2F32;
                CosineF32 = &ScalarKernels.CosineF32;
                DotF16 = &ScalarKernels.DotF16;
                DotF16Prescaled = &ScalarKernels.DotF16Prescaled;
                L2F16 = &ScalarKernels.L2F16;
                WidenF16 = &ScalarKernels.WidenF16;
                DotI8 = &ScalarKernels.DotI8;
                L2I8 = &ScalarKernels.L2I8;
                Hamming = &ScalarKernels.Hamming;
                HammingRows = &ScalarKernels.HammingRows;
                HammingRows4 = &ScalarKernels.HammingRows4;
                Dot4x4F32 = &ScalarKernels.Dot4x4F32;
                break;
        }
    }

    public SimdLevel Level { get; }

    public readonly delegate*<float*, float*, int, float> DotF32;
    public readonly delegate*<float*, float*, int, float> L2F32;
    public readonly delegate*<float*, float*, int, float> CosineF32;
    /// <summary>f32 query against an f16 row (ushort bit patterns).</summary>
    public readonly delegate*<float*, ushort*, int, float> DotF16;
    /// <summary>Same value as <see cref="DotF16"/>, but the query is given multiplied by 2^112 (faster; see <see cref="HalfBits.QueryScale"/>).</summary>
    public readonly delegate*<float*, ushort*, int, float> DotF16Prescaled;
    public readonly delegate*<float*, ushort*, int, float> L2F16;
    public readonly delegate*<ushort*, float*, int, void> WidenF16;
    public readonly delegate*<sbyte*, sbyte*, int, int> DotI8;
    public readonly delegate*<sbyte*, sbyte*, int, int> L2I8;
    /// <summary>Differing bits over a number of 64-bit words.</summary>
    public readonly delegate*<ulong*, ulong*, int, int> Hamming;
    /// <summary>One query against a run of rows: (query, rows, rowBytes, count, words, distances).</summary>
    public readonly delegate*<ulong*, byte*, long, int, int, int*, void> HammingRows;
    /// <summary>Four consecutive queries against a run of rows: (queries, rows, rowBytes, count, words, distances[row * 4 + query]).</summary>
    public readonly delegate*<ulong*, byte*, long, int, int, int*, void> HammingRows4;
    public readonly delegate*<float*, long, float*, long, int, float*, void> Dot4x4F32;

    /// <summary>The set for the best level allowed now (see <see cref="SimdLevels.Cap"/>).</summary>
    public static KernelSet Current => For(SimdLevels.Current);

    /// <summary>The set for a level; asking for more than the CPU has yields the best it has.</summary>
    public static KernelSet For(SimdLevel level)
    {
        if (level > SimdLevels.Supported) level = SimdLevels.Supported;
        return level switch
        {
            SimdLevel.Vector512 => Vector512Set,
            SimdLevel.Vector256 => Vector256Set,
            _ => ScalarSet,
        };
    }
}
