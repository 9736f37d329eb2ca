namespace Trawl.Store.Queries;

/// <summary>One filter on one column; the value is bound as a parameter, never spliced into SQL.</summary>
public sealed record ColumnFilter(string Column, FilterOp Op, string Value)
{
    /// <summary>Every operator by its URL name ("notcontains", "arraycontains", ...), in the order pages list them.</summary>
    public static IReadOnlyList<(string Name, FilterOp Op)> Operators { get; } =
        Enum.GetValues<FilterOp>().Select(op => (op.ToString().ToLowerInvariant(), op)).ToArray();

    /// <summary>The operator of a URL name (case-insensitive), or null.</summary>
    public static FilterOp? ParseOp(string name)
    {
        foreach (var (n, op) in Operators)
        {
            if (n.Equals(name, StringComparison.OrdinalIgnoreCase))
                return op;
        }
        return null;
    }

    /// <summary>Parses "col__op" (and plain "col", which means exact) into column and op; null when the suffix is not a known op.</summary>
    public static (string Column, FilterOp Op)? ParseKey(string key)
    {
        int i = key.LastIndexOf("__", StringComparison.Ordinal);
        if (i <= 0)
            return (key, FilterOp.Exact);
        FilterOp? op = ParseOp(key[(i + 2)..]);
        return op is null ? null : (key[..i], op.Value);
    }

    /// <summary>Reads a yes/no filter value ("1"/"true"/"yes"/"" or "0"/"false"/"no"); anything else is a user error.</summary>
    public bool Flag => Value.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "yes" or "" => true,
        "0" or "false" or "no" => false,
        _ => throw new UserErrorException($"{Key}: expected 1/true or 0/false, got '{Value}'"),
    };

    /// <summary>The query-string key for this filter ("col__op").</summary>
    public string Key => $"{Column}__{Op.ToString().ToLowerInvariant()}";
}
