using Trawl.Formats.Tables;

namespace Trawl.Store.FullText;

/// <summary>A run of rows handed to <see cref="FtsSideIndex"/>: their rowids and their search columns' values,
/// copied out of the batch (which the ingest reuses); the buffers are reused from one run to the next.</summary>
internal sealed class FtsSideRows
{
    public FtsSideRows(int columns)
    {
        Values = new ColumnValues[columns];
        for (int i = 0; i < columns; i++)
            Values[i] = new ColumnValues(1024);
    }

    public long[] Rowids { get; private set; } = new long[1024];
    public ColumnValues[] Values { get; }
    public int Count { get; private set; }
    public long Bytes { get; private set; }

    /// <summary>Adds row <paramref name="row"/> of the batch: lane <c>lanes[bound[i]]</c> gives search column i
    /// (NULL where <c>bound[i]</c> is -1: the source lacks the column).</summary>
    public void Add(long rowid, ColumnValues[] lanes, int[] bound, int row)
    {
        if (Count == Rowids.Length)
        {
            var grown = new long[Count * 2];
            Rowids.CopyTo(grown, 0);
            Rowids = grown;
        }
        Rowids[Count++] = rowid;
        for (int i = 0; i < bound.Length; i++)
        {
            var values = Values[i];
            int before = values.ByteCount;
            if (bound[i] < 0)
                values.AppendNull();
            else
                values.AppendFrom(lanes[bound[i]], row);
            Bytes += values.ByteCount - before + 8;
        }
    }

    public void Clear()
    {
        Count = 0;
        Bytes = 0;
        foreach (var v in Values)
            v.Clear();
    }
}
