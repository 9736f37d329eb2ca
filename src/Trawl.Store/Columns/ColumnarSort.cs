using System.Numerics;

namespace Trawl.Store.Columns;

/// <summary>
/// The first rows of a row set in a column's order with the row position as tie-breaker (ascending: NULLs first;
/// descending: NULLs last, positions descending), optionally after a keyset cursor: a partial sort that keeps only
/// the best <c>k</c> in a heap, as <c>ORDER BY col, rowid LIMIT k</c> does in SQLite.
/// </summary>
internal static class ColumnarSort
{
    /// <summary>Row positions of the page, in order; null when the column has no sortable file.</summary>
    /// <param name="after">The cursor's (value, rowid), or null for the first page.</param>
    public static long[]? Top(ColumnData data, RowSet rows, bool descending, int k, (object? Value, long RowId)? after)
    {
        Func<int, long>? keyOf = KeyFunction(data);
        if (keyOf is null)
            return null;
        long cursorKey = 0;
        if (after is { } a)
        {
            long? key = CursorKey(data, a.Value);
            if (key is null)
                return null;
            cursorKey = key.Value;
        }
        var heap = new PriorityQueue<long, (long Key, long Pos)>(k + 1, descending ? DescendingPageWorstFirst.Instance : AscendingPageWorstFirst.Instance);
        var words = rows.Words;
        for (int w = 0; w < words.Length; w++)
        {
            for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
            {
                int pos = (w << 6) + BitOperations.TrailingZeroCount(bits);
                long key = keyOf(pos);
                if (after is { } c && !Follows(key, pos, cursorKey, c.RowId, descending))
                    continue;
                if (heap.Count < k)
                {
                    heap.Enqueue(pos, (key, pos));
                    continue;
                }
                heap.TryPeek(out _, out var worst);
                if (Before((key, pos), worst, descending))
                    heap.EnqueueDequeue(pos, (key, pos));
            }
        }
        var result = new (long Key, long Pos)[heap.Count];
        for (int i = result.Length - 1; i >= 0; i--)
        {
            heap.TryDequeue(out long p, out var pri);
            result[i] = pri;
            _ = p;
        }
        return result.Select(r => r.Pos).ToArray();
    }

    private static bool Before((long Key, long Pos) a, (long Key, long Pos) b, bool descending) =>
        descending ? a.Key > b.Key || (a.Key == b.Key && a.Pos > b.Pos) : a.Key < b.Key || (a.Key == b.Key && a.Pos < b.Pos);

    private static bool Follows(long key, long pos, long cursorKey, long cursorPos, bool descending) =>
        Before((cursorKey, cursorPos), (key, pos), descending);

    /// <summary>An order-preserving long per row: the integer itself, a double's ordered bits, or twice the dictionary rank.</summary>
    private static Func<int, long>? KeyFunction(ColumnData data)
    {
        if (data.HasInt64)
            return pos => data.Int64Values[pos];
        if (data.HasFloat64)
            return pos => OrderedBits(data.Float64Values[pos]);
        if (data.HasDictionary)
            return pos => 2L * data.Dictionary!.Ranks[(int)data.Codes[pos]];
        return null;
    }

    /// <summary>The cursor value's key in the same space; values between dictionary entries fall between ranks.</summary>
    private static long? CursorKey(ColumnData data, object? value)
    {
        if (data.HasInt64)
            return value switch { null => ColumnSentinels.NullInt64, long l => l, _ => null };
        if (data.HasFloat64)
            return value switch { null => long.MinValue, long l => OrderedBits(l), double d => OrderedBits(d), _ => null };
        var dict = data.Dictionary!;
        var byRank = data.CodesByRank;
        int lo = 0, hi = byRank.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            int code = byRank[mid];
            if (StoredValueOrder.Compare(dict.Kind(code), dict.Payload(code), value) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < byRank.Length)
        {
            int code = byRank[lo];
            long rank = dict.Ranks[code];
            return StoredValueOrder.Compare(dict.Kind(code), dict.Payload(code), value) == 0 ? 2 * rank : 2 * rank - 1;
        }
        return 2L * byRank.Length + 1;
    }

    /// <summary>Doubles mapped to longs in the same order (NaN, i.e. NULL, first; -0 equal to 0).</summary>
    private static long OrderedBits(double d)
    {
        if (double.IsNaN(d))
            return long.MinValue;
        if (d == 0)
            d = 0;
        long bits = BitConverter.DoubleToInt64Bits(d);
        return bits >= 0 ? bits : bits ^ long.MaxValue;
    }

    // The heap's root is the kept row that comes last in the page order, so it is the one a better row replaces.
    private sealed class AscendingPageWorstFirst : IComparer<(long Key, long Pos)>
    {
        public static readonly AscendingPageWorstFirst Instance = new();
        public int Compare((long Key, long Pos) x, (long Key, long Pos) y) => Before(y, x, false) ? -1 : Before(x, y, false) ? 1 : 0;
    }

    private sealed class DescendingPageWorstFirst : IComparer<(long Key, long Pos)>
    {
        public static readonly DescendingPageWorstFirst Instance = new();
        public int Compare((long Key, long Pos) x, (long Key, long Pos) y) => Before(y, x, true) ? -1 : Before(x, y, true) ? 1 : 0;
    }
}
