namespace Trawl.Bench.Captions;

/// <summary>A search as a user types it into <c>_search</c>, and the same search as an FTS5
/// expression for the SQLite reference (each word or phrase quoted, as Datasette escapes it).</summary>
internal sealed record SearchQuery(string Kind, string Text, string FtsExpression);
