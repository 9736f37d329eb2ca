using System.Numerics;
using Trawl.Store.Queries;

namespace Trawl.Store.Columns;

/// <summary>
/// A histogram of a numeric column over a row set from its Float64 (or Int64) array, with the bins, edges and NULL
/// count the SQL path computes (min and max of the numbers, equal-width bins, the last bin closed).
/// </summary>
internal static class ColumnarHistogram
{
    public static Histogram? Compute(ColumnData data, RowBitmap rows, string column, int bins)
    {
        if (!data.HasFloat64 && !data.HasInt64)
            return null;
        var words = rows.Words;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        long nulls = 0, numbers = 0;
        if (data.HasFloat64)
        {
            var values = data.Float64Values;
            for (int w = 0; w < words.Length; w++)
                for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
                {
                    double v = values[(w << 6) + BitOperations.TrailingZeroCount(bits)];
                    if (double.IsNaN(v)) { nulls++; continue; }
                    numbers++;
                    if (v < min) min = v;
                    if (v > max) max = v;
                }
        }
        else
        {
            var values = data.Int64Values;
            for (int w = 0; w < words.Length; w++)
                for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
                {
                    long v = values[(w << 6) + BitOperations.TrailingZeroCount(bits)];
                    if (v == ColumnSentinels.NullInt64) { nulls++; continue; }
                    numbers++;
                    double d = v;
                    if (d < min) min = d;
                    if (d > max) max = d;
                }
        }
        var result = new List<HistogramBin>();
        if (numbers == 0)
            return new Histogram(column, result, null, null, nulls);
        if (max == min)
            bins = 1;
        double lo = min, width = (max - min) / bins;
        var counts = new long[bins];
        if (data.HasFloat64)
        {
            var values = data.Float64Values;
            for (int w = 0; w < words.Length; w++)
                for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
                {
                    double v = values[(w << 6) + BitOperations.TrailingZeroCount(bits)];
                    if (!double.IsNaN(v))
                        counts[Bin(v, lo, width, bins)]++;
                }
        }
        else
        {
            var values = data.Int64Values;
            for (int w = 0; w < words.Length; w++)
                for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
                {
                    long v = values[(w << 6) + BitOperations.TrailingZeroCount(bits)];
                    if (v != ColumnSentinels.NullInt64)
                        counts[Bin(v, lo, width, bins)]++;
                }
        }
        for (int i = 0; i < bins; i++)
            result.Add(new HistogramBin(lo + i * width, i == bins - 1 ? max : lo + (i + 1) * width, counts[i]));
        return new Histogram(column, result, min, max, nulls);
    }

    // As the SQL path: min(CAST((v - lo) / width AS INTEGER), bins - 1), clamped at 0.
    private static int Bin(double v, double lo, double width, int bins) =>
        width == 0 ? 0 : (int)Math.Clamp((long)((v - lo) / width), 0, bins - 1);
}
