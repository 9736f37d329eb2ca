namespace Trawl.Store.Queries;

/// <summary>The markers around matched words in <see cref="Contracts.ITableSource.SearchSnippets"/>: private-use
/// characters, so a page can HTML-encode the text and then turn only these into highlights.</summary>
public static class Snippets
{
    public const char MatchStart = '\uE000';
    public const char MatchEnd = '\uE001';
    public const string Ellipsis = "…";
}
