namespace Trawl.ClickHouse.Queries;

/// <summary>What a <see cref="KeysetCursor"/> holds besides the id.</summary>
public enum KeysetValueKind : byte
{
    /// <summary>The query sorts by id only.</summary>
    Unsorted = 0,

    /// <summary>The last row's sort value was NULL.</summary>
    Null = 1,
    Integer = 2,
    Real = 3,
    Text = 4,

    /// <summary>A page of a search ordered by relevance: continued by offset (<see cref="KeysetCursor.Integer"/> rows
    /// already shown), since scores are not stable keys once the corpus figures change.</summary>
    Offset = 5,
}
