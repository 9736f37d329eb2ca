using System.Numerics;
using System.Runtime.Intrinsics;

namespace Trawl.Store.Columns;

/// <summary>
/// A set of row positions in [0, <see cref="Capacity"/>): one bit per row. The unit every query step works on:
/// a search, each filter and each facet selection becomes one, they combine with <see cref="IntersectWith"/>, a
/// count is <see cref="Count"/>, and facets, histograms and sorts walk the set bits.
/// </summary>
public sealed class RowBitmap
{
    private readonly ulong[] _words;

    private RowBitmap(long capacity)
    {
        if (capacity < 0 || capacity > int.MaxValue * 64L)
            throw new ArgumentOutOfRangeException(nameof(capacity));
        Capacity = capacity;
        _words = new ulong[(capacity + 63) >> 6];
    }

    /// <summary>Rows the set can hold: positions 0 .. Capacity-1.</summary>
    public long Capacity { get; }

    internal Span<ulong> Words => _words;

    public static RowBitmap Empty(long capacity) => new(capacity);

    public static RowBitmap All(long capacity)
    {
        var set = new RowBitmap(capacity);
        set._words.AsSpan().Fill(ulong.MaxValue);
        set.ClearTail();
        return set;
    }

    /// <summary>A set from row positions in any order; positions outside [0, capacity) are a caller error.</summary>
    public static RowBitmap FromPositions(long capacity, IEnumerable<long> positions)
    {
        var set = new RowBitmap(capacity);
        foreach (long p in positions)
            set.Add(p);
        return set;
    }

    public void Add(long position)
    {
        if ((ulong)position >= (ulong)Capacity)
            throw new ArgumentOutOfRangeException(nameof(position), $"row {position} is outside 0..{Capacity - 1}");
        _words[position >> 6] |= 1UL << (int)(position & 63);
    }

    public bool Contains(long position) =>
        (ulong)position < (ulong)Capacity && (_words[position >> 6] & (1UL << (int)(position & 63))) != 0;

    /// <summary>Keeps only the rows also in <paramref name="other"/>.</summary>
    public void IntersectWith(RowBitmap other)
    {
        if (other.Capacity != Capacity)
            throw new ArgumentException("row sets of different tables");
        Span<ulong> a = _words;
        ReadOnlySpan<ulong> b = other._words;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= a.Length; i += 4)
                (Vector256.Create<ulong>(a.Slice(i, 4)) & Vector256.Create<ulong>(b.Slice(i, 4))).CopyTo(a.Slice(i, 4));
        }
        for (; i < a.Length; i++)
            a[i] &= b[i];
    }

    /// <summary>Rows in the set.</summary>
    public long Count()
    {
        long n = 0;
        foreach (ulong w in _words)
            n += BitOperations.PopCount(w);
        return n;
    }

    /// <summary>The set rows in ascending order.</summary>
    public IEnumerable<long> Positions()
    {
        for (int i = 0; i < _words.Length; i++)
        {
            ulong w = _words[i];
            while (w != 0)
            {
                int bit = BitOperations.TrailingZeroCount(w);
                yield return ((long)i << 6) + bit;
                w &= w - 1;
            }
        }
    }

    public RowBitmap Clone()
    {
        var copy = new RowBitmap(Capacity);
        _words.AsSpan().CopyTo(copy._words);
        return copy;
    }

    private void ClearTail()
    {
        int tail = (int)(Capacity & 63);
        if (tail != 0)
            _words[^1] &= (1UL << tail) - 1;
    }
}
