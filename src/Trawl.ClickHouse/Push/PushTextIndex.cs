namespace Trawl.ClickHouse.Push;

/// <summary>Whether the pushed table gets a full-text index on its search columns (<c>trawl push --text-index</c>).</summary>
public enum PushTextIndex
{
    /// <summary>Where the server has text indexes (<see cref="Sql.SqlDialect.HasTextIndex"/>, 26.2+), else none.</summary>
    Auto,

    /// <summary>Always; an error on servers without text indexes.</summary>
    On,

    /// <summary>Never: searches scan the column (hasTokenCaseInsensitive, match).</summary>
    Off,
}
