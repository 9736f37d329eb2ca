namespace Trawl.Store.Sql;

/// <summary>A query ran past its time limit and was interrupted.</summary>
public sealed class SqlTimeoutException : UserErrorException
{
    public SqlTimeoutException(TimeSpan limit)
        : base($"the query took longer than the time limit of {limit.TotalMilliseconds:0} ms and was stopped") => Limit = limit;

    public TimeSpan Limit { get; }
}
