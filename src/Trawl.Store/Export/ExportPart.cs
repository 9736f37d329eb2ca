namespace Trawl.Store.Export;

/// <summary>
/// One part being written: its files under temporary names until <see cref="Complete"/>; <see cref="FinalPaths"/>
/// in the order they are published (vectors before the metadata that refers to them).
/// </summary>
internal abstract class ExportPart : IDisposable
{
    public abstract IReadOnlyList<string> FinalPaths { get; }

    /// <summary>One row: <paramref name="row"/>[0] is the rowid, then the columns in order.</summary>
    public abstract void Write(object?[] row);

    /// <summary>Finishes and closes every file (still under its temporary name).</summary>
    public abstract void Complete();

    public abstract void Dispose();
}
