using Trawl.Vectors.Kernels;

namespace Trawl.Vectors.Tests;

/// <summary>Random data and the SIMD levels this machine can run.</summary>
internal static class TestData
{
    public static IEnumerable<SimdLevel> Levels()
    {
        for (var level = SimdLevel.Scalar; level <= SimdLevels.Supported; level++) yield return level;
    }

    public static float[] Floats(Random random, int count, float scale = 1f)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        return values;
    }

    /// <summary>Small integers: every dot product and squared distance over them is exact in float32.</summary>
    public static float[] SmallIntegers(Random random, int count, int max = 4)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = random.Next(-max, max + 1);
        return values;
    }

    public static sbyte[] Int8s(Random random, int count)
    {
        var values = new sbyte[count];
        for (int i = 0; i < count; i++) values[i] = (sbyte)random.Next(-128, 128);
        return values;
    }

    public static ulong[] Words(Random random, int count)
    {
        var values = new ulong[count];
        for (int i = 0; i < count; i++) values[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
        return values;
    }

    public static Half[] ToHalves(float[] values) => values.Select(v => (Half)v).ToArray();
}
