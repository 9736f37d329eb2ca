using Trawl.Formats.Tables;

namespace Trawl.Store.Ingest.Pipeline;

/// <summary>
/// One batch on its way from a source to the sinks: the source's columns as read, the derived columns computed
/// from them, and which rows are still kept. A column is addressed by its lane: lanes 0..n-1 are the source's
/// columns, lanes n.. the derived ones, so sinks bind a derived value exactly like a read one.
/// </summary>
internal sealed class IngestBatch
{
    private ColumnBatch _source;
    private bool[] _keep;

    public IngestBatch(ColumnBatch first, int derivedColumns, int capacity)
    {
        _source = first;
        SourceColumns = first.Columns.Length;
        Derived = new ColumnValues[derivedColumns];
        for (int i = 0; i < derivedColumns; i++)
            Derived[i] = new ColumnValues(capacity);
        _keep = new bool[Math.Max(1, capacity)];
    }

    public ColumnBatch Source => _source;
    public int SourceColumns { get; }
    public ColumnValues[] Derived { get; }
    public int RowCount => _source.RowCount;

    /// <summary>Row i of the batch is still on its way to the sinks.</summary>
    public Span<bool> Keep => _keep.AsSpan(0, RowCount);

    /// <summary>The 0-based row of the source the batch's first row is.</summary>
    public long FirstSourceRow { get; private set; }

    public ColumnValues Lane(int lane) => lane < SourceColumns ? _source.Columns[lane] : Derived[lane - SourceColumns];

    /// <summary>The next batch of the source: every row kept, derived lanes empty.</summary>
    public void Reset(ColumnBatch source, long firstSourceRow)
    {
        _source = source;
        FirstSourceRow = firstSourceRow;
        if (_keep.Length < source.RowCount)
            _keep = new bool[source.RowCount];
        Array.Fill(_keep, true, 0, source.RowCount);
        foreach (var d in Derived)
            d.Clear();
    }

    public int KeptCount()
    {
        int n = 0;
        foreach (bool k in Keep)
            n += k ? 1 : 0;
        return n;
    }
}
