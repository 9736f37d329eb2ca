using System.Text;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Store.Columns;

/// <summary>
/// Evaluates one column filter over a table's column files into a <see cref="RowBitmap"/>, with exactly the meaning
/// <see cref="QueryCompiler"/> gives it in SQL (bound value typed the same way, SQLite's comparison across storage
/// classes, NULL matching nothing but <c>isnull</c>). Returns null when the column files cannot answer it (the
/// caller then asks SQLite).
/// </summary>
internal static class ColumnarFilter
{
    public static RowBitmap? Evaluate(TableColumns columns, ColumnInfo info, ColumnFilter filter)
    {
        var data = columns.Find(info.Name);
        if (data is null)
            return null;
        bool numeric = info.SqlType.IsNumeric();
        if (filter.Op is FilterOp.IsNull or FilterOp.NotNull)
        {
            bool wantNull = filter.Flag == (filter.Op == FilterOp.IsNull);
            return ByCode(data, (kind, _) => (kind == StoredValueKind.Null) == wantNull)
                ?? ByNumber(data, isNull => isNull == wantNull, (_, _) => !wantNull);
        }
        if (filter.Op is FilterOp.IsBlank or FilterOp.NotBlank)
        {
            bool wantBlank = filter.Flag == (filter.Op == FilterOp.IsBlank);
            return ByCode(data, (kind, payload) => (kind == StoredValueKind.Null || (kind == StoredValueKind.Text && payload.IsEmpty)) == wantBlank)
                ?? ByNumber(data, isNull => isNull == wantBlank, (_, _) => !wantBlank);
        }
        if (filter.Op is FilterOp.Like or FilterOp.NotLike or FilterOp.Glob)
            return null; // general patterns: SQLite
        if (filter.Op is FilterOp.Contains or FilterOp.NotContains or FilterOp.StartsWith or FilterOp.EndsWith)
        {
            byte[] needle = Encoding.UTF8.GetBytes(filter.Value);
            if (!data.HasDictionary)
                return null;
            // LIKE sees numbers as their text; only text entries are compared here, so columns holding numbers or blobs go to SQLite.
            for (int c = 0; c < data.Dictionary!.Count; c++)
            {
                if (data.Dictionary.Kind(c) is not (StoredValueKind.Text or StoredValueKind.Null))
                    return null;
            }
            var op = filter.Op;
            return ByCode(data, (kind, payload) => kind == StoredValueKind.Text && op switch
            {
                FilterOp.Contains => LikePattern.Contains(payload, needle),
                FilterOp.NotContains => !LikePattern.Contains(payload, needle),
                FilterOp.StartsWith => LikePattern.StartsWith(payload, needle),
                _ => LikePattern.EndsWith(payload, needle),
            });
        }
        if (filter.Op is FilterOp.ArrayContains or FilterOp.ArrayNotContains)
        {
            // Decided once per distinct cell with the same reader the SQL function uses; a cell that is not a list
            // contains nothing (so "not contains" takes it, as NOT trawl_array_contains does).
            bool want = filter.Op == FilterOp.ArrayContains;
            string value = filter.Value;
            return ByCode(data, (kind, payload) =>
                (kind == StoredValueKind.Text && ArrayText.Contains(Encoding.UTF8.GetString(payload), value)) == want);
        }
        if (filter.Op == FilterOp.Date)
        {
            if (!data.HasDictionary)
                return null;
            var dict = data.Dictionary!;
            var dates = new string?[dict.Count];
            for (int c = 0; c < dict.Count; c++)
            {
                var kind = dict.Kind(c);
                if (kind == StoredValueKind.Null)
                    continue;
                if (kind != StoredValueKind.Text || !IsoDate.TryDate(Encoding.UTF8.GetString(dict.Payload(c)), out string d))
                    return null; // numbers (Julian days), zones, odd text: SQLite's date() decides
                dates[c] = d;
            }
            string wanted = filter.Value;
            return ByCode(data, (kind, payload) => false, code => dates[code] == wanted);
        }
        if (filter.Op is FilterOp.In or FilterOp.NotIn)
        {
            var values = ColumnFilter.InList(filter.Value).Select(v => QueryCompiler.Typed(v, numeric)).ToArray();
            bool inList = filter.Op == FilterOp.In;
            if (values.Length == 0 && inList)
                return RowBitmap.Empty(columns.Rows);
            return ByCode(data, (kind, payload) => kind != StoredValueKind.Null && EqualsAny(kind, payload, values) == inList)
                ?? ByNumber(data, _ => false, (isInt, n) => values.Any(v => CompareNumber(isInt, n, v) == 0) == inList);
        }
        object bound = QueryCompiler.Typed(filter.Value, numeric);
        Func<int, bool> accept = filter.Op switch
        {
            FilterOp.Exact => c => c == 0,
            FilterOp.Not => c => c != 0,
            FilterOp.Gt => c => c > 0,
            FilterOp.Gte => c => c >= 0,
            FilterOp.Lt => c => c < 0,
            FilterOp.Lte => c => c <= 0,
            _ => throw new UserErrorException($"unknown filter {filter.Op}"),
        };
        // Prefer the arrays for numbers (one compare per row); the dictionary otherwise.
        var (less, equal, greater) = filter.Op switch
        {
            FilterOp.Exact => (false, true, false),
            FilterOp.Not => (true, false, true),
            FilterOp.Gt => (false, false, true),
            FilterOp.Gte => (false, true, true),
            FilterOp.Lt => (true, false, false),
            _ => (true, true, false),
        };
        return CompareColumn(data, bound, less, equal, greater)
            ?? ByNumber(data, _ => false, (isInt, n) => accept(CompareNumber(isInt, n, bound)))
            ?? ByCode(data, (kind, payload) => kind != StoredValueKind.Null && accept(StoredValueOrder.Compare(kind, payload, bound)));
    }

    /// <summary>A comparison with one bound value straight over a numeric array: a row passes when its value is
    /// less than, equal to or greater than the bound as the flags say; NULLs never pass.</summary>
    private static RowBitmap? CompareColumn(ColumnData data, object bound, bool less, bool equal, bool greater)
    {
        if (data.HasInt64 && bound is long b)
            return Scan(data.Rows, data.Int64Values, ColumnSentinels.NullInt64, b, less, equal, greater);
        if (data.HasFloat64 && (bound is double || bound is long l && (long)(double)l == l && l != long.MaxValue))
        {
            double d = bound is double x ? x : (long)bound;
            var values = data.Float64Values;
            var set = RowBitmap.Empty(data.Rows);
            var words = set.Words;
            for (int w = 0; w < words.Length; w++)
            {
                int start = w << 6, end = Math.Min(start + 64, values.Length);
                ulong bits = 0;
                for (int i = start; i < end; i++)
                {
                    double v = values[i];
                    bool pass = v < d ? less : v > d ? greater : v == d && equal; // NaN (NULL) fails all three
                    if (pass)
                        bits |= 1UL << (i - start);
                }
                words[w] = bits;
            }
            return set;
        }
        return null;
    }

    private static RowBitmap Scan(long rows, ReadOnlySpan<long> values, long nullValue, long bound, bool less, bool equal, bool greater)
    {
        var set = RowBitmap.Empty(rows);
        var words = set.Words;
        for (int w = 0; w < words.Length; w++)
        {
            int start = w << 6, end = Math.Min(start + 64, values.Length);
            ulong bits = 0;
            for (int i = start; i < end; i++)
            {
                long v = values[i];
                bool pass = v != nullValue && (v < bound ? less : v > bound ? greater : equal);
                if (pass)
                    bits |= 1UL << (i - start);
            }
            words[w] = bits;
        }
        return set;
    }

    private static bool EqualsAny(StoredValueKind kind, ReadOnlySpan<byte> payload, object[] values)
    {
        foreach (object v in values)
        {
            if (StoredValueOrder.Compare(kind, payload, v) == 0)
                return true;
        }
        return false;
    }

    /// <summary>A stored number (as long bits when <paramref name="isInt"/>, else a double's bits) against a bound value.</summary>
    private static int CompareNumber(bool isInt, long bits, object bound)
    {
        if (isInt)
        {
            return bound switch
            {
                long l => bits.CompareTo(l),
                double d => StoredValueOrder.CompareIntReal(bits, d),
                _ => -1, // numbers sort before text and blobs
            };
        }
        double v = BitConverter.Int64BitsToDouble(bits);
        return bound switch
        {
            long l => -StoredValueOrder.CompareIntReal(l, v),
            double d => v.CompareTo(d),
            _ => -1,
        };
    }

    /// <summary>Rows whose dictionary entry passes <paramref name="test"/> (decided once per distinct value), or
    /// <paramref name="byCode"/> when given (a decision made beforehand per code).</summary>
    private static RowBitmap? ByCode(ColumnData data, Func<StoredValueKind, ReadOnlySpan<byte>, bool> test, Func<int, bool>? byCode = null)
    {
        if (!data.HasDictionary)
            return null;
        var dict = data.Dictionary!;
        var pass = new bool[dict.Count];
        bool any = false;
        for (int c = 0; c < pass.Length; c++)
            any |= pass[c] = byCode is null ? test(dict.Kind(c), dict.Payload(c)) : byCode(c);
        var set = RowBitmap.Empty(data.Rows);
        if (!any)
            return set;
        var codes = data.Codes;
        var words = set.Words;
        for (int w = 0; w < words.Length; w++)
        {
            int start = w << 6, end = Math.Min(start + 64, codes.Length);
            ulong bits = 0;
            for (int i = start; i < end; i++)
            {
                if (pass[codes[i]])
                    bits |= 1UL << (i - start);
            }
            words[w] = bits;
        }
        return set;
    }

    /// <summary>Rows of a numeric array passing the tests (NULLs decided by <paramref name="nullTest"/>).</summary>
    private static RowBitmap? ByNumber(ColumnData data, Func<bool, bool> nullTest, Func<bool, long, bool> test)
    {
        var set = RowBitmap.Empty(data.Rows);
        var words = set.Words;
        bool nullPasses = nullTest(true);
        if (data.HasInt64)
        {
            var values = data.Int64Values;
            for (int w = 0; w < words.Length; w++)
            {
                int start = w << 6, end = Math.Min(start + 64, values.Length);
                ulong bits = 0;
                for (int i = start; i < end; i++)
                {
                    long v = values[i];
                    if (v == ColumnSentinels.NullInt64 ? nullPasses : test(true, v))
                        bits |= 1UL << (i - start);
                }
                words[w] = bits;
            }
            return set;
        }
        if (data.HasFloat64)
        {
            var values = data.Float64Values;
            for (int w = 0; w < words.Length; w++)
            {
                int start = w << 6, end = Math.Min(start + 64, values.Length);
                ulong bits = 0;
                for (int i = start; i < end; i++)
                {
                    double v = values[i];
                    if (double.IsNaN(v) ? nullPasses : test(false, BitConverter.DoubleToInt64Bits(v)))
                        bits |= 1UL << (i - start);
                }
                words[w] = bits;
            }
            return set;
        }
        return null;
    }
}
