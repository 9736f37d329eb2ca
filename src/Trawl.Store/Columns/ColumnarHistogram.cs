using System.Numerics;
using Trawl.Store.Queries;

namespace Trawl.Store.Columns;

/// <summary>
/// A histogram of a numeric column over a row set from its Int64 or Float64 array, with the bins, edges and NULL
/// count the SQL path computes (min and max of the numbers, equal-width bins, the last bin closed).
/// </summary>
internal static class ColumnarHistogram
{
    public static Histogram? Compute(ColumnData data, RowSet rows, string column, int bins)
    {
        if (!data.HasFloat64 && !data.HasInt64)
            return null;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        long nulls = 0, numbers = 0;
        Walk(data, rows, v =>
        {
            if (v < min) min = v;
            if (v > max) max = v;
            numbers++;
        }, () => nulls++);
        var result = new List<HistogramBin>();
        if (numbers == 0)
            return new Histogram(column, result, null, null, nulls);
        if (max == min)
            bins = 1;
        double width = (max - min) / bins;
        var counts = new long[bins];
        double lo = min;
        Walk(data, rows, v =>
        {
            long b = width == 0 ? 0 : Math.Min((long)((v - lo) / width), bins - 1);
            counts[Math.Clamp(b, 0, bins - 1)]++;
        }, () => { });
        for (int i = 0; i < bins; i++)
            result.Add(new HistogramBin(lo + i * width, i == bins - 1 ? max : lo + (i + 1) * width, counts[i]));
        return new Histogram(column, result, min, max, nulls);
    }

    private static void Walk(ColumnData data, RowSet rows, Action<double> number, Action nullValue)
    {
        var words = rows.Words;
        if (data.HasFloat64)
        {
            var values = data.Float64Values;
            for (int w = 0; w < words.Length; w++)
            {
                for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
                {
                    double v = values[(w << 6) + BitOperations.TrailingZeroCount(bits)];
                    if (double.IsNaN(v)) nullValue(); else number(v);
                }
            }
            return;
        }
        var longs = data.Int64Values;
        for (int w = 0; w < words.Length; w++)
        {
            for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
            {
                long v = longs[(w << 6) + BitOperations.TrailingZeroCount(bits)];
                if (v == ColumnSentinels.NullInt64) nullValue(); else number(v);
            }
        }
    }
}
