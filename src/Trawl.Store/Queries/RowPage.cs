namespace Trawl.Store.Queries;

/// <summary>A page of rows. <see cref="Columns"/> starts with "rowid"; values are null, long, double, string or byte[].</summary>
/// <param name="Next">Cursor for the following page, or null when this is the last.</param>
/// <param name="Count">Rows matching the query in all (null when it was not counted).</param>
public sealed record RowPage(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows, string? Next, long? Count, TimeSpan Elapsed);
