namespace Trawl.Formats.Tables;

/// <summary>
/// A batch of rows from a <see cref="ITableReader"/>, stored by column. Readers fill the batch
/// they are handed and consumers reuse it for the next call, so a whole file streams through
/// bounded memory.
/// </summary>
public sealed class ColumnBatch
{
    public ColumnBatch(int columnCount, int capacity = 1024)
    {
        Columns = new ColumnValues[columnCount];
        for (int i = 0; i < columnCount; i++)
            Columns[i] = new ColumnValues(capacity);
    }

    public ColumnValues[] Columns { get; }

    /// <summary>Rows in the batch (every column holds this many).</summary>
    public int RowCount { get; set; }

    /// <summary>The 0-based index, within the source, of the batch's first row.</summary>
    public long FirstRow { get; set; }

    /// <summary>Optional: for each row, the 1-based line in a text source where it starts (for error messages); empty when not known.</summary>
    public List<long> SourceLines { get; } = new();

    public ColumnValues this[int column] => Columns[column];

    public void Clear()
    {
        foreach (var c in Columns)
            c.Clear();
        RowCount = 0;
        SourceLines.Clear();
    }
}
