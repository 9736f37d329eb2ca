using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Trawl.ClickHouse.Push;

/// <summary>
/// Float32 to BFloat16, ClickHouse's two-byte float (the upper half of a Float32's bits): rounded to the nearest, ties
/// to even, so the error is at most half a unit of BFloat16's 8-bit significand; infinities stay infinities and a NaN
/// stays a (quiet) NaN. A Vector256 path converts eight floats at a time; the scalar one is its reference.
/// </summary>
internal static class BFloat16
{
    private const uint QuietNaN = 0x7FC0;

    public static ushort FromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000)
            return (ushort)(QuietNaN | (bits >> 16 & 0x8000));
        return (ushort)((bits + 0x7FFF + (bits >> 16 & 1)) >> 16);
    }

    public static float ToSingle(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);

    /// <summary>Converts <paramref name="source"/> into <paramref name="destination"/> (at least as long).</summary>
    public static void FromSingles(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException("the destination is shorter than the source", nameof(destination));
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            i = FromSinglesVector256(source, destination);
        FromSinglesScalar(source[i..], destination[i..]);
    }

    internal static void FromSinglesScalar(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        for (int i = 0; i < source.Length; i++)
            destination[i] = FromSingle(source[i]);
    }

    /// <summary>The whole groups of 16 floats; returns how many it converted.</summary>
    internal static int FromSinglesVector256(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        ref uint src = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(source));
        ref ushort dst = ref MemoryMarshal.GetReference(destination);
        int n = source.Length - source.Length % 16;
        for (int i = 0; i < n; i += 16)
        {
            var low = Round(Vector256.LoadUnsafe(ref src, (nuint)i));
            var high = Round(Vector256.LoadUnsafe(ref src, (nuint)(i + 8)));
            Vector256.Narrow(low, high).StoreUnsafe(ref dst, (nuint)i);
        }
        return n;
    }

    private static Vector256<uint> Round(Vector256<uint> bits)
    {
        var rounded = (bits + Vector256.Create(0x7FFFu) + ((bits >> 16) & Vector256<uint>.One)) >> 16;
        var isNaN = Vector256.GreaterThan(bits & Vector256.Create(0x7FFF_FFFFu), Vector256.Create(0x7F80_0000u));
        var nan = Vector256.Create(QuietNaN) | ((bits >> 16) & Vector256.Create(0x8000u));
        return Vector256.ConditionalSelect(isNaN, nan, rounded);
    }
}
