namespace Trawl.Store.Datasets;

/// <summary>What a column is for, so pages can render it (a thumbnail, a player) and commands can pick defaults.</summary>
public enum ColumnRole
{
    None,
    /// <summary>URLs that are neither images nor videos.</summary>
    Url,
    /// <summary>URLs of images.</summary>
    Image,
    /// <summary>URLs of video files.</summary>
    Video,
    /// <summary>YouTube video ids or URLs (MusicCaps' ytid with start_s/end_s).</summary>
    YouTube,
    /// <summary>The main text (caption, TEXT, text) searched by default.</summary>
    Caption,
    /// <summary>A per-document attribute joined from an attribute file (a score, a label).</summary>
    Attribute,
    /// <summary>The number of spans of a span attribute (PII, toxic or duplicate-paragraph spans); the spans are in _trawl_spans.</summary>
    SpanCount,
    /// <summary>Tokens per row: derived with <c>token_count(...)</c>, or an integer column named token_count, n_tokens,
    /// num_tokens or tokens (FineWeb's, Dolma's). Pages and <c>trawl info</c> show its sum per table and per facet value.</summary>
    TokenCount,
    /// <summary>The name of a table whose full-text search for the row's <c>name</c> (as one phrase) the row stands for
    /// (<c>trawl count-names</c>'s <c>search</c> column): pages link the cell to that search.</summary>
    SearchLink,
}
