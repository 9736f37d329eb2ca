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
