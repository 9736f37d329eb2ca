namespace Trawl.Store.Queries;

/// <summary>Full-text search restricted to one of the table's search columns (Datasette's <c>_search_COLUMN</c>);
/// the text is escaped as a plain search unless the query's mode is raw.</summary>
public sealed record ColumnSearch(string Column, string Text);
