using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Trawl.Formats.Parquet.Encodings;

/// <summary>
/// Scans decoded definition/repetition levels: counts the entries at the maximum (the non-null
/// values a page holds) and rejects levels above it. Vector256 where the CPU has it, scalar otherwise;
/// both paths are tested against each other.
/// </summary>
internal static class LevelScanner
{
    /// <summary>The number of levels equal to <paramref name="max"/>; throws when one is above it (or negative).</summary>
    public static int CountAtMax(ReadOnlySpan<int> levels, int max)
        => Vector256.IsHardwareAccelerated && levels.Length >= Vector256<int>.Count ? CountAtMaxVector(levels, max) : CountAtMaxScalar(levels, max);

    internal static int CountAtMaxScalar(ReadOnlySpan<int> levels, int max)
    {
        int count = 0;
        foreach (int l in levels)
        {
            if ((uint)l > (uint)max)
                throw Above(l, max);
            if (l == max) count++;
        }
        return count;
    }

    internal static int CountAtMaxVector(ReadOnlySpan<int> levels, int max)
    {
        var u = MemoryMarshal.Cast<int, uint>(levels);
        var maxV = Vector256.Create((uint)max);
        var acc = Vector256<uint>.Zero;
        var bad = Vector256<uint>.Zero;
        int i = 0;
        for (; i <= u.Length - Vector256<uint>.Count; i += Vector256<uint>.Count)
        {
            var v = Vector256.Create(u.Slice(i, Vector256<uint>.Count));
            bad |= Vector256.GreaterThan(v, maxV);
            // Equal lanes are all ones: subtracting them adds one per lane.
            acc -= Vector256.Equals(v, maxV);
        }
        if (bad != Vector256<uint>.Zero)
            return CountAtMaxScalar(levels, max); // finds and reports the offending level
        int count = (int)Vector256.Sum(acc);
        return count + CountAtMaxScalar(levels[i..], max);
    }

    private static ParquetException Above(int level, int max) => new($"level {level} exceeds the column's maximum {max}");

    /// <summary>Throws when a level is above <paramref name="max"/>.</summary>
    public static void CheckMax(ReadOnlySpan<int> levels, int max) => CountAtMax(levels, max);

}
