namespace Trawl.Store.Queries;

/// <summary>Datasette's column filters: <c>col__op=value</c>.</summary>
public enum FilterOp
{
    Exact,
    Not,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    Gt,
    Gte,
    Lt,
    Lte,
    /// <summary>SQL LIKE with the value as the pattern (% and _ are wildcards).</summary>
    Like,
    NotLike,
    /// <summary>SQLite GLOB with the value as the pattern (case-sensitive, * and ?).</summary>
    Glob,
    /// <summary>Value is a comma-separated list (or a JSON array).</summary>
    In,
    NotIn,
    /// <summary>The cell is a JSON array or a Python list literal holding the value.</summary>
    ArrayContains,
    ArrayNotContains,
    /// <summary>The cell's date (SQLite's <c>date(col)</c>) is the value (YYYY-MM-DD).</summary>
    Date,
    /// <summary>Value "1"/"true" means IS NULL, "0"/"false" means IS NOT NULL.</summary>
    IsNull,
    /// <summary>Value "1"/"true" means IS NOT NULL, "0"/"false" means IS NULL.</summary>
    NotNull,
    /// <summary>Value "1"/"true": NULL or empty text; "0"/"false": the opposite.</summary>
    IsBlank,
    NotBlank,
}
