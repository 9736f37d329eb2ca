namespace Trawl.Formats.Parquet;

/// <summary>
/// The non-null values of one leaf column chunk (or a dictionary) in one typed lane: integers and
/// booleans in <see cref="Ints"/>, floats in <see cref="Doubles"/>, byte arrays (and INT96, fixed
/// length) as start/length pairs into <see cref="Heap"/>. A dictionary-encoded value is not copied:
/// its start is the bitwise complement of its start in the <see cref="Dictionary"/>'s heap.
/// Buffers are reused from row group to row group.
/// </summary>
internal sealed class LeafValues
{
    public long[] Ints = [];
    public double[] Doubles = [];
    public byte[] Heap = [];
    public int[] Starts = [];
    public int[] Lengths = [];
    public int Count;
    public int HeapLength;

    /// <summary>The dictionary whose heap negative starts point into (null for a dictionary itself).</summary>
    public LeafValues? Dictionary { get; init; }

    public void Clear()
    {
        Count = 0;
        HeapLength = 0;
    }

    public ReadOnlySpan<byte> BytesAt(int i)
    {
        int s = Starts[i];
        return s >= 0 ? Heap.AsSpan(s, Lengths[i]) : Dictionary!.Heap.AsSpan(~s, Lengths[i]);
    }

    public int LengthAt(int i) => Lengths[i];

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
        Ensure(ref Starts, (long)Count + values);
        Ensure(ref Lengths, (long)Count + values);
        Ensure(ref Heap, HeapLength + bytes);
    }

    /// <summary>Appends one value; <see cref="ReserveBytes"/> must have made room.</summary>
    public void AddBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(Heap.AsSpan(HeapLength));
        Starts[Count] = HeapLength;
        Lengths[Count] = value.Length;
        HeapLength += value.Length;
        Count++;
    }

    /// <summary>
    /// Copies <paramref name="run"/> to the end of the heap and counts <paramref name="values"/> more values whose
    /// starts and lengths the caller has already written (pointing into the run at its heap position).
    /// </summary>
    public void AddRun(ReadOnlySpan<byte> run, int values)
    {
        ReserveBytes(0, run.Length);
        run.CopyTo(Heap.AsSpan(HeapLength));
        HeapLength += run.Length;
        Count += values;
    }

    /// <summary>Appends a value already written at Heap[start..start+length] (DELTA_BYTE_ARRAY builds values in place).</summary>
    public void AddWritten(int start, int length)
    {
        Starts[Count] = start;
        Lengths[Count] = length;
        Count++;
    }

    /// <summary>Appends references to dictionary entries by index; the indices are checked by the caller.</summary>
    public void AddDictionaryReferences(ReadOnlySpan<int> indices)
    {
        var dict = Dictionary!;
        Ensure(ref Starts, (long)Count + indices.Length);
        Ensure(ref Lengths, (long)Count + indices.Length);
        var starts = Starts.AsSpan(Count, indices.Length);
        var lengths = Lengths.AsSpan(Count, indices.Length);
        var ds = dict.Starts;
        var dl = dict.Lengths;
        for (int k = 0; k < indices.Length; k++)
        {
            int d = indices[k];
            starts[k] = ~ds[d];
            lengths[k] = dl[d];
        }
        Count += indices.Length;
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
