using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Trawl.Vectors.Kernels;

/// <summary>
/// IEEE binary16 → binary32 in vector registers. .NET exposes no F16C conversion, so this widens
/// with sign extension and shifts left by 13: the sign lands in bit 31 (and, as copies, bits 28–30,
/// which are masked off), exponent and mantissa land in place. Multiplying by 2^112 then rebiases
/// the exponent exactly for normal and subnormal halves alike; infinities and NaNs get the
/// all-ones exponent explicitly. 8 instructions per vector.
/// </summary>
internal static class HalfBits
{
    internal const int SignAndMagnitudeMask = unchecked((int)0x8FFFE000);
    internal const int ExponentMaxShifted = 0x0F800000; // (0x7C00 << 13)
    private const int FloatExponentAllOnes = 0x7F800000;
    private static readonly float Scale = BitConverter.Int32BitsToSingle((127 + 112) << 23);

    /// <summary>2^112: a query multiplied by this can meet unscaled half bits (see <see cref="KernelSet.DotF16Prescaled"/>).</summary>
    public static readonly float QueryScale = Scale;
    public static readonly float InverseQueryScale = BitConverter.Int32BitsToSingle((127 - 112) << 23);
    /// <summary>Largest query component that can be prescaled without overflow.</summary>
    public const float MaxPrescalableComponent = 65504f;

    /// <summary>Widens halves given as sign-extended 32-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Widen(Vector256<int> signExtended)
    {
        Vector256<int> shifted = Vector256.ShiftLeft(signExtended, 13);
        Vector256<float> scaled = (shifted & Vector256.Create(SignAndMagnitudeMask)).AsSingle() * Vector256.Create(Scale);
        Vector256<int> special = Vector256.Equals(shifted & Vector256.Create(ExponentMaxShifted), Vector256.Create(ExponentMaxShifted))
            & Vector256.Create(FloatExponentAllOnes);
        return (scaled.AsInt32() | special).AsSingle();
    }

    /// <summary>Widens halves given as sign-extended 32-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Widen(Vector512<int> signExtended)
    {
        Vector512<int> shifted = Vector512.ShiftLeft(signExtended, 13);
        Vector512<float> scaled = (shifted & Vector512.Create(SignAndMagnitudeMask)).AsSingle() * Vector512.Create(Scale);
        Vector512<int> special = Vector512.Equals(shifted & Vector512.Create(ExponentMaxShifted), Vector512.Create(ExponentMaxShifted))
            & Vector512.Create(FloatExponentAllOnes);
        return (scaled.AsInt32() | special).AsSingle();
    }

    /// <summary>
    /// Half bits moved into float position but not rebiased (the value times 2^-112); the
    /// exponent field of each lane, shifted, goes to <paramref name="exponent"/> so a caller can
    /// spot infinities and NaNs. 4 instructions per vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Unscaled(Vector512<int> signExtended, out Vector512<int> exponent)
    {
        Vector512<int> shifted = Vector512.ShiftLeft(signExtended, 13);
        exponent = shifted & Vector512.Create(ExponentMaxShifted);
        return (shifted & Vector512.Create(SignAndMagnitudeMask)).AsSingle();
    }

    /// <inheritdoc cref="Unscaled(Vector512{int}, out Vector512{int})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Unscaled(Vector256<int> signExtended, out Vector256<int> exponent)
    {
        Vector256<int> shifted = Vector256.ShiftLeft(signExtended, 13);
        exponent = shifted & Vector256.Create(ExponentMaxShifted);
        return (shifted & Vector256.Create(SignAndMagnitudeMask)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Widen(ushort h) => (float)BitConverter.UInt16BitsToHalf(h);
}
