using System.Numerics;

namespace Trawl.Store.Columns;

/// <summary>
/// The first rows of a row set in a column's order with the row position as tie-breaker (ascending: NULLs first;
/// descending: NULLs last, positions descending), optionally after a keyset cursor: a partial sort that keeps only
/// the best <c>k</c> in a heap, as <c>ORDER BY col, rowid LIMIT k</c> does in SQLite. Every row's key is an
/// order-preserving long: the integer itself, a double's ordered bits, or twice the dictionary rank.
/// </summary>
internal static class ColumnarSort
{
    /// <summary>Row positions of the page, in order; null when the column has no sortable file.</summary>
    /// <param name="after">The cursor's (value, rowid), or null for the first page.</param>
    public static long[]? Top(ColumnData data, RowBitmap rows, bool descending, int k, (object? Value, long RowId)? after)
    {
        if (!data.HasInt64 && !data.HasFloat64 && !data.HasDictionary)
            return null;
        var page = new PageHeap(k, descending);
        if (after is { } a)
        {
            long? key = CursorKey(data, a.Value);
            if (key is null)
                return null;
            page.After(key.Value, a.RowId);
        }
        var words = rows.Words;
        if (data.HasInt64)
        {
            var values = data.Int64Values;
            for (int w = 0; w < words.Length; w++)
                for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
                {
                    int pos = (w << 6) + BitOperations.TrailingZeroCount(bits);
                    page.Offer(values[pos], pos);
                }
        }
        else if (data.HasFloat64)
        {
            var values = data.Float64Values;
            for (int w = 0; w < words.Length; w++)
                for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
                {
                    int pos = (w << 6) + BitOperations.TrailingZeroCount(bits);
                    page.Offer(OrderedBits(values[pos]), pos);
                }
        }
        else
        {
            var ranks = data.Dictionary!.Ranks;
            var keyOfCode = new long[ranks.Length];
            for (int c = 0; c < keyOfCode.Length; c++)
                keyOfCode[c] = 2L * ranks[c];
            var codes = data.Codes;
            for (int w = 0; w < words.Length; w++)
                for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
                {
                    int pos = (w << 6) + BitOperations.TrailingZeroCount(bits);
                    page.Offer(keyOfCode[codes[pos]], pos);
                }
        }
        return page.Positions();
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
    internal static long OrderedBits(double d)
    {
        if (double.IsNaN(d))
            return long.MinValue;
        if (d == 0)
            d = 0;
        long bits = BitConverter.DoubleToInt64Bits(d);
        return bits >= 0 ? bits : bits ^ long.MaxValue;
    }

    /// <summary>The best k (key, position) pairs seen in page order; a max-heap on "comes later" so the root is the one
    /// a better row replaces.</summary>
    private sealed class PageHeap(int k, bool descending)
    {
        private readonly long[] _keys = new long[k];
        private readonly long[] _pos = new long[k];
        private int _count;
        private bool _hasCursor;
        private long _cursorKey, _cursorPos;

        public void After(long key, long pos)
        {
            _hasCursor = true;
            _cursorKey = key;
            _cursorPos = pos;
        }

        // True when (ka, pa) comes before (kb, pb) in the page's order.
        private bool Before(long ka, long pa, long kb, long pb) =>
            descending ? ka > kb || (ka == kb && pa > pb) : ka < kb || (ka == kb && pa < pb);

        public void Offer(long key, long pos)
        {
            if (_hasCursor && !Before(_cursorKey, _cursorPos, key, pos))
                return;
            if (_count < _keys.Length)
            {
                int i = _count++;
                _keys[i] = key;
                _pos[i] = pos;
                SiftUp(i);
                return;
            }
            if (_count == 0 || !Before(key, pos, _keys[0], _pos[0]))
                return;
            _keys[0] = key;
            _pos[0] = pos;
            SiftDown(0);
        }

        private void SiftUp(int i)
        {
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (!Before(_keys[parent], _pos[parent], _keys[i], _pos[i]))
                    break;
                Swap(i, parent);
                i = parent;
            }
        }

        private void SiftDown(int i)
        {
            while (true)
            {
                int l = 2 * i + 1, r = l + 1, worst = i;
                if (l < _count && Before(_keys[worst], _pos[worst], _keys[l], _pos[l])) worst = l;
                if (r < _count && Before(_keys[worst], _pos[worst], _keys[r], _pos[r])) worst = r;
                if (worst == i)
                    return;
                Swap(i, worst);
                i = worst;
            }
        }

        private void Swap(int a, int b)
        {
            (_keys[a], _keys[b]) = (_keys[b], _keys[a]);
            (_pos[a], _pos[b]) = (_pos[b], _pos[a]);
        }

        public long[] Positions()
        {
            var order = Enumerable.Range(0, _count).ToArray();
            Array.Sort(order, (x, y) => Before(_keys[x], _pos[x], _keys[y], _pos[y]) ? -1 : Before(_keys[y], _pos[y], _keys[x], _pos[x]) ? 1 : 0);
            return order.Select(i => _pos[i]).ToArray();
        }
    }
}
