using Trawl.Formats.Tables;

namespace Trawl.Store.Export;

/// <summary>
/// One part being written: its files under temporary names until <see cref="Complete"/>; <see cref="FinalPaths"/>
/// in the order they are published (vectors before the metadata that refers to them).
/// </summary>
internal abstract class ExportPart : IDisposable
{
    public abstract IReadOnlyList<string> FinalPaths { get; }

    /// <summary>Row <paramref name="row"/> of <paramref name="batch"/>: column 0 is the rowid, then the table's columns in order.</summary>
    public abstract void Write(ColumnBatch batch, int row);

    /// <summary>Rows <paramref name="start"/>..start+count of <paramref name="batch"/>, in order (a part that can, writes them column by column).</summary>
    public virtual void WriteRows(ColumnBatch batch, int start, int count)
    {
        for (int r = start; r < start + count; r++) Write(batch, r);
    }

    /// <summary>Finishes and closes every file (still under its temporary name).</summary>
    public abstract void Complete();

    public abstract void Dispose();

    /// <summary>A row's values as .NET objects into <paramref name="into"/> (for the text formats, which format each value anyway).</summary>
    protected static object?[] Values(ColumnBatch batch, int row, object?[] into)
    {
        for (int c = 0; c < into.Length; c++) into[c] = batch.Columns[c].ValueAt(row);
        return into;
    }

    protected static long RowId(ColumnBatch batch, int row) => batch.Columns[0].Int64At(row);
}
