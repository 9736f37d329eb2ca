namespace Trawl.Store.Queries;

/// <summary>A value of a facet and how many matching rows have it.</summary>
public sealed record FacetValue(object? Value, long Count)
{
    /// <summary>The sum of <see cref="FacetResult.SumColumn"/> over those rows (their tokens); null when no sum was asked.</summary>
    public long? Sum { get; init; }
}

/// <summary>The most common values of a column among the matching rows, most common first (ties by value).</summary>
/// <param name="Truncated">True when the column has more distinct values than were returned.</param>
public sealed record FacetResult(string Column, IReadOnlyList<FacetValue> Values, bool Truncated, TimeSpan Elapsed)
{
    /// <summary>The column each value's <see cref="FacetValue.Sum"/> adds up (a token count), or null.</summary>
    public string? SumColumn { get; init; }
}
