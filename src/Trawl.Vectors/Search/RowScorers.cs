namespace Trawl.Vectors.Search;

/// <summary>
/// Turns a stored row into a ranking key (smaller is better). Scans are generic over these
/// structs so the JIT specialises one loop per element type with the kernel pointer hoisted.
/// </summary>
internal unsafe interface IRowScorer
{
    float Key(byte* row, long id);
}

/// <summary>f32 rows: key = scale * kernel(query, row) * (inverseNorms?[id] ?? 1).</summary>
internal readonly unsafe struct Float32Scorer(float* query, delegate*<float*, float*, int, float> kernel, int dimension, float scale, float* inverseNorms) : IRowScorer
{
    public float Key(byte* row, long id)
    {
        float value = scale * kernel(query, (float*)row, dimension);
        return inverseNorms == null ? value : value * inverseNorms[id];
    }
}

/// <summary>f16 rows widened in the kernel.</summary>
internal readonly unsafe struct Float16Scorer(float* query, delegate*<float*, ushort*, int, float> kernel, int dimension, float scale, float* inverseNorms) : IRowScorer
{
    public float Key(byte* row, long id)
    {
        float value = scale * kernel(query, (ushort*)row, dimension);
        return inverseNorms == null ? value : value * inverseNorms[id];
    }
}

/// <summary>int8 rows against an int8 query; integer sums, scaled once per row.</summary>
internal readonly unsafe struct Int8Scorer(sbyte* query, delegate*<sbyte*, sbyte*, int, int> kernel, int dimension, float scale, float* inverseNorms) : IRowScorer
{
    public float Key(byte* row, long id)
    {
        float value = scale * kernel(query, (sbyte*)row, dimension);
        return inverseNorms == null ? value : value * inverseNorms[id];
    }
}

/// <summary>Bit rows: key = differing bits.</summary>
internal readonly unsafe struct BitsScorer(ulong* query, delegate*<ulong*, ulong*, int, int> kernel, int words) : IRowScorer
{
    public float Key(byte* row, long id) => kernel(query, (ulong*)row, words);
}
