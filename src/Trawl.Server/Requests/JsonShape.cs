namespace Trawl.Server.Requests;

/// <summary>Datasette's <c>_shape</c>: how a JSON page gives its rows.</summary>
internal enum JsonShape
{
    /// <summary>The page object with "rows" as key/value objects (Trawl's default).</summary>
    Objects,
    /// <summary>The page object with "rows" as arrays in column order.</summary>
    Arrays,
    /// <summary>A bare array of row objects (with _nl=on: one JSON object per line).</summary>
    Array,
    /// <summary>A bare array of each row's first value.</summary>
    ArrayFirst,
    /// <summary>An object of row objects keyed by rowid (tables only).</summary>
    Object,
}
