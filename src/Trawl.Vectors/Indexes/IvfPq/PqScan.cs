using System.Numerics;
using System.Runtime.CompilerServices;

namespace Trawl.Vectors.Indexes.IvfPq;

/// <summary>Distance estimate of one PQ code: the sum of its m look-up table entries.</summary>
internal static unsafe class PqScan
{
    /// <summary>
    /// Σ table[j·256 + code[j]] over j, with four running sums so the look-ups overlap; the
    /// order of additions is fixed (sums of j mod 4, then combined), so results are reproducible.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(byte* code, float* table, int m)
    {
        float a = 0, b = 0, c = 0, d = 0;
        int j = 0;
        for (; j + 4 <= m; j += 4, table += 4 * ProductQuantizer.Centroids)
        {
            uint four = Unsafe.ReadUnaligned<uint>(code + j);
            a += table[four & 0xFF];
            b += table[ProductQuantizer.Centroids + ((four >> 8) & 0xFF)];
            c += table[2 * ProductQuantizer.Centroids + ((four >> 16) & 0xFF)];
            d += table[3 * ProductQuantizer.Centroids + (four >> 24)];
        }
        for (; j < m; j++, table += ProductQuantizer.Centroids) a += table[code[j]];
        return (a + b) + (c + d);
    }

    /// <summary>table[i] = −table[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Negate(float* table, int count)
    {
        int i = 0;
        for (; i + Vector<float>.Count <= count; i += Vector<float>.Count)
            Unsafe.WriteUnaligned(table + i, -Unsafe.ReadUnaligned<Vector<float>>(table + i));
        for (; i < count; i++) table[i] = -table[i];
    }
}
