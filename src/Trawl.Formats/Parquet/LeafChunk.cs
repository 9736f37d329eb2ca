namespace Trawl.Formats.Parquet;

/// <summary>One leaf column of one row group, decoded: its levels and its non-null values. Reused across row groups.</summary>
internal sealed class LeafChunk
{
    /// <summary>Definition level per entry; unused (left empty) when the leaf's max definition level is 0.</summary>
    public int[] Def = [];
    /// <summary>Repetition level per entry; unused when the leaf's max repetition level is 0.</summary>
    public int[] Rep = [];
    /// <summary>Entries (levels) decoded; equals the row count for a flat column.</summary>
    public int LevelCount;
    public LeafChunk()
    {
        Dictionary = new LeafValues();
        Values = new LeafValues { Dictionary = Dictionary };
    }

    public LeafValues Values { get; }
    public LeafValues Dictionary { get; }
    public bool HasDictionary;
    /// <summary>Scratch for dictionary indices.</summary>
    public int[] Indices = [];

    // For nested assembly: where each row's entries start, and the value index of each entry.
    public int[] RowStarts = [];
    public int[] ValueIndex = [];

    public void Clear()
    {
        LevelCount = 0;
        Values.Clear();
        Dictionary.Clear();
        HasDictionary = false;
    }

    /// <summary>Forgets the levels and values (all handed out) but keeps the dictionary, before the next page of a streamed chunk.</summary>
    public void ClearPageData()
    {
        LevelCount = 0;
        Values.Clear();
    }

    public static void Ensure<T>(ref T[] a, long size)
    {
        if (size <= a.Length)
            return;
        if (size > Array.MaxLength)
            throw new ParquetException("a column chunk holds too many values");
        long n = Math.Max(size, Math.Min((long)a.Length * 2, Array.MaxLength));
        Array.Resize(ref a, (int)n);
    }
}
