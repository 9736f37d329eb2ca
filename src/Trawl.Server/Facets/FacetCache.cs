using System.Collections.Concurrent;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Server.Facets;

/// <summary>Facets over a whole table (no search, no filters) are the same on every request, so the first
/// answer is kept. The key includes the row count so a re-ingested table is counted afresh.</summary>
internal sealed class FacetCache
{
    private const int MaxEntries = 4096;
    private readonly ConcurrentDictionary<(string Dataset, string Table, long Rows, string Column, int Limit), FacetResult> _results = new();

    private readonly ConcurrentDictionary<(string Dataset, string Table, long Rows), IReadOnlyList<string>> _suggestions = new();

    /// <summary>The store's suggested facets for a table; they only change when the table does.</summary>
    public IReadOnlyList<string> Suggestions(Dataset dataset, TableInfo table) =>
        _suggestions.GetOrAdd((dataset.Name, table.Name, table.RowCount), _ => dataset.SuggestFacets(table.Name));

    public FacetResult Get(Dataset dataset, TableInfo table, string column, int limit)
    {
        var key = (dataset.Name, table.Name, table.RowCount, column, limit);
        if (_results.TryGetValue(key, out var cached))
            return cached;
        var result = dataset.Facet(new TableQuery { Table = table.Name }, column, limit);
        if (_results.Count >= MaxEntries)
            _results.Clear();
        _results[key] = result;
        return result;
    }
}
