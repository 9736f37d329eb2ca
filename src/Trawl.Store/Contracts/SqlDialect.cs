namespace Trawl.Store.Contracts;

/// <summary>The SQL a backend runs for <see cref="ITableSource.ExecuteSql"/> and <see cref="Queries.TableQuery.Where"/>.</summary>
public enum SqlDialect : byte
{
    /// <summary>No user SQL: ExecuteSql and Where are refused.</summary>
    None,
    Sqlite,
    ClickHouse,
}
