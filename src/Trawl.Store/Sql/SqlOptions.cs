namespace Trawl.Store.Sql;

/// <summary>Limits for read-only SQL.</summary>
public sealed class SqlOptions
{
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>At most this many rows are returned; <see cref="SqlResult.Truncated"/> says when there were more.</summary>
    public int MaxRows { get; init; } = 1000;

    /// <summary>Named parameters (":name" in the SQL) and their values.</summary>
    public IReadOnlyDictionary<string, object?>? Parameters { get; init; }
}
