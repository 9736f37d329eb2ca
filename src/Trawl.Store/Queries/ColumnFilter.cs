namespace Trawl.Store.Queries;

/// <summary>One filter on one column; the value is bound as a parameter, never spliced into SQL.</summary>
public sealed record ColumnFilter(string Column, FilterOp Op, string Value)
{
    /// <summary>Parses "col__op" (and plain "col", which means exact) into column and op; null when the suffix is not a known op.</summary>
    public static (string Column, FilterOp Op)? ParseKey(string key)
    {
        int i = key.LastIndexOf("__", StringComparison.Ordinal);
        if (i <= 0)
            return (key, FilterOp.Exact);
        FilterOp? op = key[(i + 2)..].ToLowerInvariant() switch
        {
            "exact" => FilterOp.Exact,
            "not" => FilterOp.Not,
            "contains" => FilterOp.Contains,
            "startswith" => FilterOp.StartsWith,
            "gt" => FilterOp.Gt,
            "gte" => FilterOp.Gte,
            "lt" => FilterOp.Lt,
            "lte" => FilterOp.Lte,
            "in" => FilterOp.In,
            "isnull" => FilterOp.IsNull,
            _ => null,
        };
        return op is null ? null : (key[..i], op.Value);
    }

    /// <summary>The query-string key for this filter ("col__op").</summary>
    public string Key => Op == FilterOp.Exact ? $"{Column}__exact" : $"{Column}__{Op.ToString().ToLowerInvariant()}";
}
