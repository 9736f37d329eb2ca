namespace Trawl.Store.Sql;

/// <summary>The result of read-only SQL: column names, rows (values are null, long, double, string or byte[]).</summary>
public sealed record SqlResult(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows, bool Truncated, TimeSpan Elapsed);
