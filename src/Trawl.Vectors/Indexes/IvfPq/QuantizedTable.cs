namespace Trawl.Vectors.Indexes.IvfPq;

/// <summary>A query's look-up table quantised to bytes for <see cref="PqFastScan"/>, with the map back to float units.</summary>
internal readonly unsafe struct QuantizedTable
{
    /// <summary>m × 256 bytes; null when the fast scan is off.</summary>
    public readonly byte* Bytes;
    public readonly float Scale, Offset;

    private QuantizedTable(byte* bytes, float scale, float offset)
    {
        Bytes = bytes;
        Scale = scale;
        Offset = offset;
    }

    public static QuantizedTable Of(float* table, int m, byte* bytes)
    {
        // A table with non-finite entries (extreme inputs) has no byte form: the float scan handles it.
        return PqFastScan.Quantize(table, m, bytes, out float scale, out float offset) ? new QuantizedTable(bytes, scale, offset) : default;
    }

    /// <summary>
    /// The largest byte-table sum a row may have and still reach a key ≤ <paramref name="threshold"/>:
    /// (threshold − bias − offset) · scale, plus m/2 for the rounding of m entries and 2 for float error.
    /// int.MaxValue while the heap is not full; negative when no row can enter.
    /// </summary>
    public int Limit(float threshold, float bias, int m)
    {
        if (float.IsPositiveInfinity(threshold)) return int.MaxValue;
        double units = ((double)threshold - bias - Offset) * Scale + m * 0.5 + 2;
        if (double.IsNaN(units)) return int.MaxValue;
        return units >= ushort.MaxValue ? int.MaxValue : units < 0 ? -1 : (int)units;
    }
}
