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
    private const int SignAndMagnitudeMask = unchecked((int)0x8FFFE000);
    private const int ExponentMaxShifted = 0x0F800000; // (0x7C00 << 13)
    private const int FloatExponentAllOnes = 0x7F800000;
    private static readonly float Scale = BitConverter.Int32BitsToSingle((127 + 112) << 23);

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Widen(ushort h) => (float)BitConverter.UInt16BitsToHalf(h);
}
