using Trawl.Store.Datasets;
using Trawl.Store.Queries;
using Trawl.Store.Sql;

namespace Trawl.Store.Contracts;

/// <summary>
/// The tables of a dataset, read: schema, pages of rows, counts, facets, histograms, one row, every row.
/// Positions ("rowid") are 0-based and dense per table, and row i of every vector set of a table belongs to row i.
/// Bad requests (unknown table or column, bad search syntax) are <see cref="UserErrorException"/>s; a cancelled
/// token stops work midway with an <see cref="OperationCanceledException"/>. Implementations are thread-safe.
/// </summary>
public interface ITableSource
{
    /// <summary>Tables (not the backend's own bookkeeping), in the order they were first ingested where the backend knows it, else by name.</summary>
    IReadOnlyList<TableInfo> ListTables();

    /// <summary>The foreign keys between the dataset's tables (<c>--fk</c>, <c>trawl extract</c>); empty where the
    /// backend keeps none. Read them per table through <see cref="Related.KeyLinks"/>.</summary>
    IReadOnlyList<Related.ForeignKey> ForeignKeys() => [];

    /// <summary>A table by name (case-insensitive), or a <see cref="UserErrorException"/> naming the tables there are.</summary>
    TableInfo GetTable(string name);

    /// <summary>A page of the rows <paramref name="query"/> matches (at most <see cref="TableQuery.Size"/>, capped by the backend),
    /// with an opaque cursor for the next page; columns start with "rowid".</summary>
    /// <param name="count">Also count all matching rows.</param>
    RowPage QueryRows(TableQuery query, bool count = true);

    /// <summary>How many rows match (ignoring Size and Next).</summary>
    long CountRows(TableQuery query, CancellationToken cancel = default);

    /// <summary>Top values of <paramref name="column"/> among the matching rows, by count descending then value.</summary>
    FacetResult Facet(TableQuery query, string column, int limit = 30, CancellationToken cancel = default);

    /// <summary>Top list elements (<see cref="FacetKind.Array"/>) or dates (<see cref="FacetKind.Date"/>) of
    /// <paramref name="column"/> among the matching rows, or its values (<see cref="FacetKind.Value"/>, the same as
    /// <see cref="Facet(TableQuery, string, int, CancellationToken)"/>). A backend without the kind refuses it with a
    /// <see cref="UserErrorException"/>.</summary>
    FacetResult Facet(TableQuery query, string column, FacetKind kind, int limit, CancellationToken cancel = default) =>
        kind == FacetKind.Value ? Facet(query, column, limit, cancel)
            : throw new UserErrorException($"this backend has no {kind.ToString().ToLowerInvariant()} facets");

    /// <summary>Columns worth faceting among the rows <paramref name="query"/> matches (values, list elements or
    /// dates), found within <paramref name="budget"/>: what was found by then. A backend without per-query
    /// suggestions gives its whole-table ones.</summary>
    IReadOnlyList<SuggestedFacet> SuggestFacets(TableQuery query, TimeSpan budget, CancellationToken cancel = default) =>
        SuggestFacets(query.Table).Select(c => new SuggestedFacet(c, FacetKind.Value)).ToList();

    /// <summary>For each given row that the query's search matches, one excerpt per search column (in
    /// <see cref="TableInfo.SearchColumns"/> order) with the matched words between <see cref="Snippets.MatchStart"/>
    /// and <see cref="Snippets.MatchEnd"/>; empty when not searching or when the backend cannot say.</summary>
    IReadOnlyDictionary<long, IReadOnlyList<string?>> SearchSnippets(TableQuery query, IReadOnlyList<long> rowids) =>
        new Dictionary<long, IReadOnlyList<string?>>();

    /// <summary>The query (search, filters, where, sort, size) as one statement in the backend's SQL dialect with the
    /// values written in, for a person to read and edit; null when the backend has no SQL.</summary>
    string? DescribeSql(TableQuery query) => null;

    /// <summary>Like <see cref="Facet(TableQuery, string, int, CancellationToken)"/>, each value also carrying the sum of the
    /// integer column <paramref name="sumColumn"/> over its rows (tokens per source); a backend that does not sum
    /// answers without sums (<see cref="FacetResult.SumColumn"/> null).</summary>
    FacetResult FacetWithSum(TableQuery query, string column, string sumColumn, int limit = 30, CancellationToken cancel = default) =>
        Facet(query, column, limit, cancel);

    /// <summary>The sum of the integer column <paramref name="column"/> over the matching rows (NULLs count 0), e.g. a
    /// table's tokens; null where the backend does not sum.</summary>
    long? Sum(TableQuery query, string column, CancellationToken cancel = default) => null;

    /// <summary>Columns worth faceting: between 2 and <paramref name="maxDistinct"/> distinct values, in table order.</summary>
    IReadOnlyList<string> SuggestFacets(string table, int maxDistinct = 30);

    /// <summary>Equal-width histogram of a numeric column among the matching rows.</summary>
    Histogram Histogram(TableQuery query, string column, int bins = 20, CancellationToken cancel = default);

    /// <summary>One row by position (columns start with "rowid"), or null when there is none.</summary>
    (IReadOnlyList<string> Columns, object?[] Values)? GetRow(string table, long rowid);

    /// <summary>The attribute spans of one row (joined with --attributes-of), by start; empty where the backend keeps none.</summary>
    IReadOnlyList<Attributes.AttributeSpans.StoredSpan> GetSpans(string table, long rowid) => [];

    /// <summary>Every matching row in order (ignores Size and Next), streamed for exports. A search without a sort
    /// streams by relevance, as its pages come, when the search alone matches at most <see cref="StreamRankLimit"/>
    /// rows; above that it streams in rowid order (an export of a large match set is not held to be ranked).</summary>
    IEnumerable<object?[]> StreamRows(TableQuery query, out IReadOnlyList<string> columns);

    /// <summary>Most rows a search (without its filters) may match and still be streamed by relevance.</summary>
    const int StreamRankLimit = PageOrder.DefaultRankLimit;

    /// <summary>One read-only statement in the backend's <see cref="BackendCapabilities.SqlDialect"/>; a backend
    /// without SQL (<see cref="SqlDialect.None"/>) answers with a <see cref="UserErrorException"/>.</summary>
    SqlResult ExecuteSql(string sql, SqlOptions? options = null);
}
