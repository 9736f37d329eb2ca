using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Trawl.Vectors.Kernels;

/// <summary>
/// IEEE binary16 → binary32 in vector registers. .NET exposes no F16C conversion, so this moves
/// the exponent and mantissa into place and rescales by 2^112, which is exact for normal and
/// subnormal halves; infinities and NaNs get the all-ones exponent explicitly.
/// </summary>
internal static class HalfBits
{
    private const uint MagnitudeMask = 0x0FFFE000; // (0x7FFF << 13)
    private const uint ExponentMaxShifted = 0x0F800000; // (0x7C00 << 13)
    private const uint FloatExponentAllOnes = 0x7F800000;
    private const uint SignBit = 0x80000000;
    private static readonly float Scale = BitConverter.Int32BitsToSingle((127 + 112) << 23);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Widen(Vector256<uint> h)
    {
        Vector256<uint> magnitude = Vector256.ShiftLeft(h, 13) & Vector256.Create(MagnitudeMask);
        Vector256<float> scaled = magnitude.AsSingle() * Vector256.Create(Scale);
        Vector256<uint> special = Vector256.Equals(magnitude & Vector256.Create(ExponentMaxShifted), Vector256.Create(ExponentMaxShifted))
            & Vector256.Create(FloatExponentAllOnes);
        Vector256<uint> sign = Vector256.ShiftLeft(h, 16) & Vector256.Create(SignBit);
        return (scaled.AsUInt32() | special | sign).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Widen(Vector512<uint> h)
    {
        Vector512<uint> magnitude = Vector512.ShiftLeft(h, 13) & Vector512.Create(MagnitudeMask);
        Vector512<float> scaled = magnitude.AsSingle() * Vector512.Create(Scale);
        Vector512<uint> special = Vector512.Equals(magnitude & Vector512.Create(ExponentMaxShifted), Vector512.Create(ExponentMaxShifted))
            & Vector512.Create(FloatExponentAllOnes);
        Vector512<uint> sign = Vector512.ShiftLeft(h, 16) & Vector512.Create(SignBit);
        return (scaled.AsUInt32() | special | sign).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Widen(ushort h) => (float)BitConverter.UInt16BitsToHalf(h);
}
