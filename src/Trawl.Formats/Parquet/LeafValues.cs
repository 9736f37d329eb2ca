namespace Trawl.Formats.Parquet;

/// <summary>
/// The non-null values of one leaf column chunk (or a dictionary) in one typed lane: integers and
/// booleans in <see cref="Ints"/>, floats in <see cref="Doubles"/>, byte arrays (and INT96, fixed
/// length) in <see cref="Heap"/> with offsets. Buffers are reused from row group to row group.
/// </summary>
internal sealed class LeafValues
{
    public long[] Ints = [];
    public double[] Doubles = [];
    public byte[] Heap = [];
    /// <summary>Value i's bytes are Heap[Offsets[i]..Offsets[i + 1]].</summary>
    public int[] Offsets = [0];
    public int Count;
    public int HeapLength;

    public void Clear()
    {
        Count = 0;
        HeapLength = 0;
    }

    public ReadOnlySpan<byte> BytesAt(int i) => Heap.AsSpan(Offsets[i], Offsets[i + 1] - Offsets[i]);

    public Span<long> AppendInts(int n)
    {
        Ensure(ref Ints, Count + n);
        var s = Ints.AsSpan(Count, n);
        Count += n;
        return s;
    }

    public Span<double> AppendDoubles(int n)
    {
        Ensure(ref Doubles, Count + n);
        var s = Doubles.AsSpan(Count, n);
        Count += n;
        return s;
    }

    /// <summary>Makes room for <paramref name="values"/> more byte values holding <paramref name="bytes"/> bytes in all.</summary>
    public void ReserveBytes(int values, long bytes)
    {
        if (HeapLength + bytes > Array.MaxLength)
            throw new ParquetException("a column chunk holds more than 2 GB of values");
        Ensure(ref Offsets, Count + values + 1);
        Ensure(ref Heap, (int)(HeapLength + bytes));
    }

    /// <summary>Appends one value; <see cref="ReserveBytes"/> must have made room.</summary>
    public void AddBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(Heap.AsSpan(HeapLength));
        HeapLength += value.Length;
        Offsets[++Count] = HeapLength;
    }

    public void AppendBytes(ReadOnlySpan<byte> value)
    {
        ReserveBytes(1, value.Length);
        AddBytes(value);
    }

    private static void Ensure<T>(ref T[] a, long size)
    {
        if (size <= a.Length)
            return;
        if (size > Array.MaxLength)
            throw new ParquetException("a column chunk holds too many values");
        long n = Math.Max(size, Math.Min((long)a.Length * 2, Array.MaxLength));
        Array.Resize(ref a, (int)n);
    }
}
