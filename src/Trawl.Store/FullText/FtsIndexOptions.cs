namespace Trawl.Store.FullText;

/// <summary>How Trawl builds a table's FTS5 index: one home for the settings the table's index and its side index
/// (<see cref="FtsSideIndex"/>) must share, since segments move from one to the other.</summary>
internal static class FtsIndexOptions
{
    /// <summary>unicode61 with diacritics removed ("café" matches "cafe").</summary>
    public const string Tokenizer = "unicode61 remove_diacritics 2";

    /// <summary>FTS5's in-memory term buffer (default 1 MB): bigger writes fewer, larger segments and so merges less.</summary>
    public const long HashSize = 64 << 20;

    /// <summary>FTS5's default automerge, restored once a build that ran with merges off is done.</summary>
    public const int DefaultAutomerge = 4;
}
