namespace Trawl.Store.Contracts;

/// <summary>What a backend declares it can do, so callers offer only what works (e.g. the SQL page only with a dialect).</summary>
/// <param name="Backend">The backend's name, e.g. "sqlite".</param>
/// <param name="SqlDialect">The SQL of ExecuteSql and Where.</param>
/// <param name="SearchSyntax">What raw searches are parsed as.</param>
/// <param name="Pushdown">What runs next to the data.</param>
public sealed record BackendCapabilities(string Backend, SqlDialect SqlDialect, SearchSyntax SearchSyntax, Pushdown Pushdown);
