namespace Trawl.Store.Datasets;

/// <summary>A stored table, as the bookkeeping tables describe it.</summary>
/// <param name="Name">Table name.</param>
/// <param name="RowCount">Rows (cached at ingest).</param>
/// <param name="Columns">Columns except the implicit rowid, in order.</param>
/// <param name="SearchColumns">Columns indexed by full-text search (empty: none).</param>
/// <param name="FtsTable">Name of the FTS5 table, or null.</param>
/// <param name="PrimaryKey">A user-chosen unique column (--pk), or null: rows are then addressed by rowid.</param>
public sealed record TableInfo(
    string Name,
    long RowCount,
    IReadOnlyList<ColumnInfo> Columns,
    IReadOnlyList<string> SearchColumns,
    string? FtsTable,
    string? PrimaryKey)
{
    /// <summary>The first token-count column (<see cref="ColumnRole.TokenCount"/>), whose sums pages show, or null.</summary>
    public ColumnInfo? TokenColumn => Columns.FirstOrDefault(c => c.Role == ColumnRole.TokenCount);

    public ColumnInfo? FindColumn(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}
