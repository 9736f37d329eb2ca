using System.Collections.Concurrent;
using Trawl.Store.Contracts;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Server.Facets;

/// <summary>Facets over a whole table (no search, no filters) and the suggested facet columns are the same on
/// every request, so the first answer is kept. Requests that arrive while a facet is being counted share that
/// one computation instead of starting their own. Keys include the table's row count and the dataset's
/// <see cref="IDatasetSource.DataVersion"/>, so a re-ingested table is counted afresh.</summary>
internal sealed class FacetCache
{
    private const int MaxEntries = 4096;
    private readonly ConcurrentDictionary<(string Dataset, string Table, long Rows, string Version, string Column, FacetKind Kind, int Limit, string Sum), Lazy<Task<FacetResult>>> _results = new();
    private readonly ConcurrentDictionary<(string Dataset, string Table, long Rows, string Version, string Column), Lazy<Task<long?>>> _sums = new();
    private readonly ConcurrentDictionary<(string Dataset, string Table, long Rows, string Version), IReadOnlyList<SuggestedFacet>> _tableSuggestions = new();
    private readonly ConcurrentDictionary<(string Dataset, string Table, long Rows, string Version), IReadOnlyList<string>> _suggestions = new();

    /// <summary>The store's suggested facet columns for a table.</summary>
    public IReadOnlyList<string> Suggestions(IDatasetSource dataset, TableInfo table)
    {
        if (_suggestions.Count >= MaxEntries)
            _suggestions.Clear();
        return _suggestions.GetOrAdd((dataset.Name, table.Name, table.RowCount, dataset.DataVersion), _ => dataset.SuggestFacets(table.Name));
    }

    /// <summary>The store's suggestions (values, lists, dates) for a whole table, looked for within
    /// <paramref name="budget"/> once and then kept.</summary>
    public IReadOnlyList<SuggestedFacet> TableSuggestions(IDatasetSource dataset, TableInfo table, TimeSpan budget)
    {
        if (_tableSuggestions.Count >= MaxEntries)
            _tableSuggestions.Clear();
        return _tableSuggestions.GetOrAdd((dataset.Name, table.Name, table.RowCount, dataset.DataVersion),
            _ => dataset.SuggestFacets(new TableQuery { Table = table.Name }, budget));
    }

    /// <summary>The top values (or list elements, or dates) of a column over the whole table: at once when known,
    /// otherwise the one computation in progress (started on the thread pool if there is none).</summary>
    /// <param name="sumColumn">A token-count column summed per value (value facets only), or null.</param>
    public Task<FacetResult> Get(IDatasetSource dataset, TableInfo table, string column, int limit, FacetKind kind = FacetKind.Value, string? sumColumn = null)
    {
        if (kind != FacetKind.Value)
            sumColumn = null;
        var key = (dataset.Name, table.Name, table.RowCount, dataset.DataVersion, column, kind, limit, sumColumn ?? "");
        if (_results.Count >= MaxEntries)
            _results.Clear();
        var entry = _results.GetOrAdd(key, _ => new Lazy<Task<FacetResult>>(
            () => Task.Run(() => sumColumn is not null ? dataset.FacetWithSum(new TableQuery { Table = table.Name }, column, sumColumn, limit)
                : dataset.Facet(new TableQuery { Table = table.Name }, column, kind, limit))));
        var task = entry.Value;
        // A failure is not remembered: the next request tries again.
        if (task.IsFaulted || task.IsCanceled)
            _results.TryRemove(new KeyValuePair<(string, string, long, string, string, FacetKind, int, string), Lazy<Task<FacetResult>>>(key, entry));
        return task;
    }

    /// <summary>The sum of a column over the whole table (its tokens), kept like the facets.</summary>
    public Task<long?> Sum(IDatasetSource dataset, TableInfo table, string column)
    {
        var key = (dataset.Name, table.Name, table.RowCount, dataset.DataVersion, column);
        if (_sums.Count >= MaxEntries)
            _sums.Clear();
        var entry = _sums.GetOrAdd(key, _ => new Lazy<Task<long?>>(() => Task.Run(() => dataset.Sum(new TableQuery { Table = table.Name }, column))));
        var task = entry.Value;
        if (task.IsFaulted || task.IsCanceled)
            _sums.TryRemove(new KeyValuePair<(string, string, long, string, string), Lazy<Task<long?>>>(key, entry));
        return task;
    }
}
