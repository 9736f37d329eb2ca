namespace Trawl.Vectors.Search;

/// <summary>An allow-list of row ids as a bitmap (bit <c>i % 64</c> of word <c>i / 64</c>); searches skip rows whose bit is 0.</summary>
public sealed class RowFilter
{
    private RowFilter(ulong[] bits, long rowCount)
    {
        Bits = bits;
        RowCount = rowCount;
    }

    public ulong[] Bits { get; }
    /// <summary>The number of rows of the vector set this filter was made for.</summary>
    public long RowCount { get; }

    /// <summary>Wraps a bitmap of exactly <c>ceil(rowCount / 64)</c> words; bits past the last row must be 0.</summary>
    public static RowFilter FromBitmap(ulong[] bits, long rowCount)
    {
        ArgumentNullException.ThrowIfNull(bits);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        long words = (rowCount + 63) / 64;
        if (bits.LongLength != words)
            throw new ArgumentException($"an allow-list for {rowCount} rows needs {words} 64-bit words, got {bits.LongLength}", nameof(bits));
        if (rowCount % 64 != 0 && (bits[^1] >> (int)(rowCount % 64)) != 0)
            throw new ArgumentException($"the allow-list sets bits past row {rowCount - 1}", nameof(bits));
        return new RowFilter(bits, rowCount);
    }

    /// <summary>An allow-list holding the given row ids.</summary>
    public static RowFilter FromIds(IEnumerable<long> ids, long rowCount)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        var bits = new ulong[(rowCount + 63) / 64];
        foreach (long id in ids)
        {
            if ((ulong)id >= (ulong)rowCount) throw new ArgumentOutOfRangeException(nameof(ids), id, $"row id outside 0..{rowCount - 1}");
            bits[id >> 6] |= 1UL << (int)(id & 63);
        }
        return new RowFilter(bits, rowCount);
    }

    public bool Allows(long row) => (Bits[row >> 6] & (1UL << (int)(row & 63))) != 0;
}
