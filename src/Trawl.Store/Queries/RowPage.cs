namespace Trawl.Store.Queries;

/// <summary>A page of rows. <see cref="Columns"/> starts with "rowid"; values are null, long, double, string or byte[].</summary>
/// <param name="Next">Cursor for the following page, or null when this is the last.</param>
/// <param name="Count">Rows matching the query in all (null when it was not counted).</param>
public sealed record RowPage(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows, string? Next, long? Count, TimeSpan Elapsed)
{
    /// <summary>How the rows are ordered.</summary>
    public PageOrdering Ordering { get; init; } = PageOrdering.RowId;

    /// <summary>Most matches a search may have and still be ranked (when <see cref="Ordering"/> says unranked).</summary>
    public int RankLimit { get; init; }
}
