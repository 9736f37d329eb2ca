using Trawl.Store.Queries;

namespace Trawl.Store.Contracts;

/// <summary>
/// Turns a <see cref="TableQuery"/>'s search, filters and where into the set of row positions it matches: what kNN
/// scans among, and what a columnar engine facets over. SQLite answers with FTS5 and SQL; a columnar engine with
/// column files; ClickHouse with a pushed-down <c>SELECT rowid</c>.
/// </summary>
public interface IRowFilter
{
    /// <summary>The rows of <paramref name="query"/>'s table it matches, as positions below <paramref name="rowCount"/>;
    /// null when the query matches every row (no search, no filters, no where).</summary>
    RowSet? MatchingRows(TableQuery query, long rowCount, CancellationToken cancel = default);
}
