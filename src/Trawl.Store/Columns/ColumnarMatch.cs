namespace Trawl.Store.Columns;

/// <summary>What <see cref="ColumnarEngine.Match"/> found: the table's column files, the matching rows, and how many
/// rows the search alone matched (null without a search), which decides whether a page is ranked.
/// The row set is the caller's own copy.</summary>
internal sealed record ColumnarMatch(TableColumns Columns, RowBitmap Rows, long? SearchMatches);
