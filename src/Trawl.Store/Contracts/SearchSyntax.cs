namespace Trawl.Store.Contracts;

/// <summary>What a raw search (<see cref="Queries.SearchMode.Raw"/>) is parsed as; plain searches mean the same everywhere
/// (every word must appear, a "quoted phrase" stays a phrase).</summary>
public enum SearchSyntax : byte
{
    /// <summary>No full-text search.</summary>
    None,
    /// <summary>SQLite FTS5 query syntax (AND, OR, NOT, NEAR, prefix*, column:).</summary>
    Fts5,
    /// <summary>Plain searches only; raw searches are refused.</summary>
    PlainOnly,
}
