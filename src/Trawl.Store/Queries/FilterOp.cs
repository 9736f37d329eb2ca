namespace Trawl.Store.Queries;

/// <summary>Datasette's column filters: <c>col__op=value</c>.</summary>
public enum FilterOp
{
    Exact,
    Not,
    Contains,
    StartsWith,
    Gt,
    Gte,
    Lt,
    Lte,
    /// <summary>Value is a comma-separated list (or a JSON array).</summary>
    In,
    /// <summary>Value "1"/"true" means IS NULL, "0"/"false" means IS NOT NULL.</summary>
    IsNull,
}
