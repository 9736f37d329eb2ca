using System.Numerics;
using Trawl.Vectors.Search;

namespace Trawl.Store.Contracts;

/// <summary>
/// A set of row positions below <see cref="RowCount"/>, what an <see cref="IRowFilter"/> answers: a bitmap (dense
/// sets, a columnar engine's natural output) or sorted distinct positions (sparse sets, e.g. a short list a server
/// sent back). Immutable; either form answers every question, and converts to the vector engine's allow-list.
/// </summary>
public sealed class RowSet
{
    private readonly ulong[]? _bits;
    private readonly long[]? _ids;

    private RowSet(ulong[]? bits, long[]? ids, long rowCount, long count)
    {
        _bits = bits;
        _ids = ids;
        RowCount = rowCount;
        Count = count;
    }

    /// <summary>Rows of the table the set was made for: every position is below it.</summary>
    public long RowCount { get; }

    /// <summary>Positions in the set.</summary>
    public long Count { get; }

    /// <summary>A bitmap of exactly ceil(rowCount / 64) words (bit i % 64 of word i / 64); bits past the last row must be 0.
    /// The array is owned by the set afterwards.</summary>
    public static RowSet FromBitmap(ulong[] bits, long rowCount)
    {
        ArgumentNullException.ThrowIfNull(bits);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        if (bits.LongLength != (rowCount + 63) / 64)
            throw new ArgumentException($"a bitmap for {rowCount} rows needs {(rowCount + 63) / 64} words, not {bits.LongLength}", nameof(bits));
        if (rowCount % 64 != 0 && bits.Length > 0 && (bits[^1] >> (int)(rowCount % 64)) != 0)
            throw new ArgumentException($"the bitmap sets bits past row {rowCount - 1}", nameof(bits));
        long count = 0;
        foreach (ulong w in bits)
            count += BitOperations.PopCount(w);
        return new RowSet(bits, null, rowCount, count);
    }

    /// <summary>Strictly increasing positions below <paramref name="rowCount"/>; the array is owned by the set afterwards.</summary>
    public static RowSet FromSortedIds(long[] ids, long rowCount)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] < 0 || ids[i] >= rowCount)
                throw new ArgumentOutOfRangeException(nameof(ids), ids[i], $"row position outside 0..{rowCount - 1}");
            if (i > 0 && ids[i] <= ids[i - 1])
                throw new ArgumentException($"positions must be strictly increasing ({ids[i - 1]} then {ids[i]})", nameof(ids));
        }
        return new RowSet(null, ids, rowCount, ids.Length);
    }

    /// <summary>Any positions, in any order, repeats allowed.</summary>
    public static RowSet FromIds(IEnumerable<long> ids, long rowCount)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sorted = ids.Distinct().Order().ToArray();
        return FromSortedIds(sorted, rowCount);
    }

    /// <summary>Every position below <paramref name="rowCount"/>.</summary>
    public static RowSet All(long rowCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        var bits = new ulong[(rowCount + 63) / 64];
        Array.Fill(bits, ulong.MaxValue);
        if (rowCount % 64 != 0)
            bits[^1] = (1UL << (int)(rowCount % 64)) - 1;
        return new RowSet(bits, null, rowCount, rowCount);
    }

    public bool Contains(long row)
    {
        if ((ulong)row >= (ulong)RowCount)
            return false;
        return _bits is not null ? (_bits[row >> 6] & (1UL << (int)(row & 63))) != 0 : Array.BinarySearch(_ids!, row) >= 0;
    }

    /// <summary>The positions, ascending.</summary>
    public IEnumerable<long> Positions()
    {
        if (_ids is not null)
        {
            foreach (long id in _ids)
                yield return id;
            yield break;
        }
        for (long w = 0; w < _bits!.LongLength; w++)
        {
            ulong word = _bits[w];
            while (word != 0)
            {
                yield return (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
            }
        }
    }

    /// <summary>This set without one position (kNN by a row leaves the row itself out).</summary>
    public RowSet Without(long row)
    {
        if (!Contains(row))
            return this;
        if (_ids is not null)
            return new RowSet(null, _ids.Where(id => id != row).ToArray(), RowCount, Count - 1);
        var bits = (ulong[])_bits!.Clone();
        bits[row >> 6] &= ~(1UL << (int)(row & 63));
        return new RowSet(bits, null, RowCount, Count - 1);
    }

    /// <summary>The vector engine's allow-list over the same rows.</summary>
    public RowFilter ToSearchFilter()
    {
        if (_bits is not null)
            return RowFilter.FromBitmap(_bits, RowCount);
        var bits = new ulong[(RowCount + 63) / 64];
        foreach (long id in _ids!)
            bits[id >> 6] |= 1UL << (int)(id & 63);
        return RowFilter.FromBitmap(bits, RowCount);
    }
}
