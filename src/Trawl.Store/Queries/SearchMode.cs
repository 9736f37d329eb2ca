namespace Trawl.Store.Queries;

/// <summary>How search text is read.</summary>
public enum SearchMode
{
    /// <summary>Every word is a plain term (FTS syntax such as quotes, AND, *, - is escaped); a quoted phrase stays a phrase.</summary>
    Plain,
    /// <summary>The text is FTS5 query syntax as is; a syntax error is a <see cref="UserErrorException"/>.</summary>
    Raw,
}
