using System.Runtime.Intrinsics.X86;

namespace Trawl.Vectors.Kernels;

/// <summary>Which instruction set the distance kernels use.</summary>
public enum SimdLevel
{
    Scalar = 0,
    /// <summary>256-bit vectors; needs AVX2 and FMA.</summary>
    Vector256 = 1,
    /// <summary>512-bit vectors; needs AVX-512 F and BW.</summary>
    Vector512 = 2,
}

/// <summary>Detects the best level once; tests may cap it.</summary>
internal static class SimdLevels
{
    /// <summary>Best level this CPU (and the DOTNET_Enable* switches) allow.</summary>
    public static SimdLevel Supported { get; } =
        Avx512F.IsSupported && Avx512BW.IsSupported && Avx2.IsSupported && Fma.IsSupported ? SimdLevel.Vector512
        : Avx2.IsSupported && Fma.IsSupported ? SimdLevel.Vector256
        : SimdLevel.Scalar;

    /// <summary>Test switch: when set, searches created afterwards use at most this level.</summary>
    public static SimdLevel? Cap { get; set; }

    public static SimdLevel Current => Cap is { } cap && cap < Supported ? cap : Supported;
}
