using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Trawl.Server.Hosting;
using Trawl.Server.Output;
using Trawl.Server.Requests;
using Trawl.Server.Views;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Server.Endpoints;

/// <summary>/DB/TABLE with its .json, .csv and .jsonl twins.</summary>
internal sealed class TableEndpoint(ServerState state)
{
    /// <summary>Facets shown before the user asks for any: the first suggested ones, from the cache, only on an
    /// unfiltered page so they never cost a query per request.</summary>
    public const int DefaultFacets = 3;
    public const int FacetLimit = TableRequest.DefaultFacetSize;

    private enum FacetOrigin { Asked, Configured, Default }

    private static TimeSpan Min(TimeSpan? a, TimeSpan b) => a is { } x && x < b ? x : b;

    /// <summary>The columns a plain table page shows as facets before any _facet is given.</summary>
    public static IEnumerable<string> DefaultFacetColumns(TableInfo table, IReadOnlyList<string> suggested) =>
        // Media and link columns are poor defaults: their values are long and say little on their own.
        suggested.Where(c => table.FindColumn(c)?.Role is null or ColumnRole.None).Take(DefaultFacets);

    /// <summary>Counts every table's default facets once, in the background, so the first visitor of a large
    /// table does not wait for them.</summary>
    public static void WarmUp(ServerState state, CancellationToken stop)
    {
        try
        {
            foreach (var dataset in state.Catalog.Datasets)
            {
                foreach (var table in dataset.ListTables())
                {
                    foreach (string column in DefaultFacetColumns(table, state.Facets.Suggestions(dataset, table)))
                    {
                        if (stop.IsCancellationRequested)
                            return;
                        state.Facets.Get(dataset, table, column, FacetLimit).GetAwaiter().GetResult();
                    }
                }
            }
        }
        catch (Exception ex)
        {
            // Shutting down disposes the datasets under the warm-up; only other failures are worth a line.
            if (!stop.IsCancellationRequested)
                state.Logger.LogWarning(ex, "counting default facets in advance failed; pages will count them on demand");
        }
    }

    public async Task Handle(HttpContext context, string db, string tableSegment)
    {
        var clock = Stopwatch.StartNew();
        var dataset = state.Catalog.Get(db);
        var (table, format) = Resolve.Table(dataset, tableSegment);
        var tableMetadata = state.Options.Metadata.Table(dataset.Name, table.Name);
        var request = TableRequest.Parse(QueryParams.Parse(context.Request.QueryString.Value), table, TableDefaults.For(state.Options, tableMetadata));
        if (request.Query.Where is not null && !state.Options.AllowSql)
            throw new Store.UserErrorException("_where is not allowed: this server runs with default_allow_sql off");

        if (request.Query.Where is not null || request.TimeLimit is not null)
        {
            // User SQL (or a caller's own limit) runs under the time limit: rows, count and facets, and exports too.
            request = request with { Query = request.Query with { TimeLimit = Min(request.TimeLimit, state.Options.SqlTimeLimit) } };
        }
        if (format is OutputFormat.Csv or OutputFormat.JsonLines)
        {
            await Exports.Write(context, dataset, table, request, format, ExportLabels(dataset, table.Name, request),
                state.Options.AllowCsvStream ? null : state.Options.SqlMaxRows);
            return;
        }
        if (request.UsedFilterForm && format == OutputFormat.Html)
        {
            context.Response.Redirect(Links.Table(dataset.Name, table.Name, OutputFormat.Html, request.Params));
            return;
        }

        // Rows first: they validate the query (columns, FTS syntax, cursor) before anything runs beside them.
        var page = Project(dataset.QueryRows(request.Query, count: false), request.ShownColumns);
        var linked = Labels(dataset, table.Name, request, format, page);
        var facetQuery = request.Query with { Next = null };

        var suggestedColumns = state.Facets.Suggestions(dataset, table);
        var facetColumns = request.NoFacets ? [] : request.Facets.Select(f => (f.Column, f.Kind, Origin: FacetOrigin.Asked)).ToList();
        // The metadata's facets are always shown (as Datasette), after those the URL asks for.
        if (!request.NoFacets && tableMetadata is not null)
        {
            foreach (var f in tableMetadata.Facets)
            {
                string column = TableRequest.RequireColumn(table, f.Column, "the metadata's facets");
                if (!facetColumns.Any(c => c.Column.Equals(column, StringComparison.OrdinalIgnoreCase) && c.Kind == f.Kind))
                    facetColumns.Add((column, f.Kind, FacetOrigin.Configured));
            }
        }
        if (facetColumns.Count == 0 && !request.NoFacets && format == OutputFormat.Html && !request.HasSearchOrFilters)
            facetColumns.AddRange(DefaultFacetColumns(table, suggestedColumns).Select(c => (Column: c, Kind: FacetKind.Value, Origin: FacetOrigin.Default)));

        var limit = Min(request.TimeLimit, state.Options.SqlTimeLimit);
        var cancel = context.RequestAborted;
        // Facets and histograms over a search or filters are the heavy part of a page; they wait for a slot (or
        // the page is a 503) so that plain pages stay fast under load.
        bool heavy = request.Histograms.Count > 0 || (request.HasSearchOrFilters && facetColumns.Count > 0);
        using var slot = heavy ? await state.HeavyWork.EnterAsync(limit, cancel) : null;

        // Count, facets and histograms run side by side and share one time budget.
        var budget = Stopwatch.StartNew();
        // Whatever is still running when the page is answered (or the client leaves) is stopped, not left to finish.
        using var work = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        work.CancelAfter(limit);
        var stop = work.Token;
        var countTask = request.NoCount ? null : TimeLimit.Start(t => dataset.CountRows(facetQuery, t), stop);
        int facetSize = request.FacetSize;
        // With a token-count column, value facets carry each value's tokens and the page the matching rows' tokens.
        string? tokens = table.TokenColumn?.Name;
        // Facets may have their own, shorter limit (facet_time_limit_ms); they stop at whichever comes first.
        var facetLimit = Min(state.Options.FacetTimeLimit, limit);
        using var facetWork = CancellationTokenSource.CreateLinkedTokenSource(stop);
        facetWork.CancelAfter(facetLimit);
        var facetStop = facetWork.Token;
        var facetTasks = facetColumns.Select(f => (f.Column, f.Kind, f.Origin, Task: request.HasSearchOrFilters
            ? TimeLimit.Start(t => tokens is null || f.Kind != FacetKind.Value
                ? dataset.Facet(facetQuery, f.Column, f.Kind, facetSize, t)
                : dataset.FacetWithSum(facetQuery, f.Column, tokens, facetSize, t), facetStop)
            : state.Facets.Get(dataset, table, f.Column, facetSize, f.Kind, tokens))).ToList();
        var tokenTask = tokens is null ? null : request.HasSearchOrFilters
            ? TimeLimit.Start(t => dataset.Sum(facetQuery, tokens, t), stop)
            : state.Facets.Sum(dataset, table, tokens);
        var histogramTasks = request.Histograms.Select(c => (Column: c, Task: TimeLimit.Start(t => dataset.Histogram(facetQuery, c, cancel: t), stop))).ToList();
        // Suggestions get a small share of the budget: they are a hint, never worth a slow page.
        var suggestionBudget = TimeSpan.FromTicks(Math.Min(limit.Ticks / 4, state.Options.FacetSuggestTimeLimit.Ticks));
        var suggestTask = request.NoFacets || request.NoSuggestions || !state.Options.SuggestFacets || !state.Options.AllowFacet ? null : request.HasSearchOrFilters
            ? TimeLimit.Start(t => dataset.SuggestFacets(facetQuery, suggestionBudget, t), stop)
            : Task.Run(() => state.Facets.TableSuggestions(dataset, table, suggestionBudget), stop);

        bool counted = false;
        long count = 0;
        if (countTask is not null)
            (counted, count) = await TimeLimit.WaitAsync(countTask, limit - budget.Elapsed, cancel);
        var (tokensDone, tokenSum) = tokenTask is null ? (false, (long?)null) : await TimeLimit.WaitAsync(tokenTask, limit - budget.Elapsed, cancel);
        var facets = new List<ShownFacet>();
        var timedOut = new List<string>();
        foreach (var f in facetTasks)
        {
            var (done, facet) = await TimeLimit.WaitAsync(f.Task, facetLimit - budget.Elapsed, cancel);
            if (done)
                facets.Add(new ShownFacet(f.Column, facet!, f.Origin != FacetOrigin.Default, f.Kind) { Configured = f.Origin == FacetOrigin.Configured });
            else
                timedOut.Add(f.Column);
        }
        var histograms = new List<Histogram>();
        var histogramsTimedOut = new List<string>();
        foreach (var h in histogramTasks)
        {
            var (done, histogram) = await TimeLimit.WaitAsync(h.Task, limit - budget.Elapsed, cancel);
            if (done)
                histograms.Add(histogram!);
            else
                histogramsTimedOut.Add(h.Column);
        }
        IReadOnlyList<SuggestedFacet> suggested = [];
        if (suggestTask is not null)
        {
            var (done, found) = await TimeLimit.WaitAsync(suggestTask, limit - budget.Elapsed, cancel);
            if (done)
                suggested = found!;
        }

        work.Cancel();
        facets = LabelFacets(dataset, table.Name, facets, request);

        bool hasVectors = dataset.ListVectorSets().Any(s => s.Table.Equals(table.Name, StringComparison.OrdinalIgnoreCase));
        var encoder = state.ClipQueries.Encoder;
        var shown = facetColumns.Select(f => (f.Column.ToLowerInvariant(), f.Kind)).ToHashSet();
        var snippets = format == OutputFormat.Html && page.Rows.Count > 0 && (request.Query.Search is not null || request.Query.ColumnSearches.Count > 0)
            ? dataset.SearchSnippets(request.Query, page.Rows.Select(r => r[0] is long id ? id : -1).Where(id => id >= 0).ToList())
            : new Dictionary<long, IReadOnlyList<string?>>();
        var result = new TableResult(dataset.Name, table, request, page with { Count = counted ? count : null }, facets, histograms,
            suggested.Where(s => !shown.Contains((s.Column.ToLowerInvariant(), s.Kind))).ToList(), clock.Elapsed.TotalMilliseconds)
        {
            CountTimedOut = countTask is not null && !counted,
            FacetsTimedOut = timedOut,
            HistogramsTimedOut = histogramsTimedOut,
            TimeLimitMs = limit.TotalMilliseconds,
            HasVectors = hasVectors,
            Meaning = hasVectors && encoder is not null ? new MeaningForms.Abilities(encoder.CanEncodeText, encoder.CanEncodeImages) : MeaningForms.Abilities.None,
            Snippets = snippets,
            Sql = format == OutputFormat.Html ? dataset.DescribeSql(request.Query with { Next = null }) : null,
            TokenColumn = tokens,
            Tokens = tokensDone ? tokenSum : null,
            Linked = linked,
            Metadata = tableMetadata,
            TruncateCells = state.Options.TruncateCellsHtml,
            AllowFacet = state.Options.AllowFacet,
            AllowSql = state.Options.AllowSql,
            Origin = TableJson.Origin(context.Request, state.Options.ForceHttpsUrls),
        };
        if ((request.CacheSeconds ?? state.Options.DefaultCacheTtl) is int ttl)
            context.Response.Headers.CacheControl = ttl == 0 ? "no-cache" : $"max-age={ttl}";

        if (format == OutputFormat.Json)
            await TableJson.Respond(context, result);
        else
            await Responses.Html(context, TableView.Render(result));
    }

    /// <summary>The page's foreign-key columns resolved to the rows they point at: every key on a page (unless
    /// _labels=off), in JSON only those _labels=on or _label=COLUMN ask for, as Datasette.</summary>
    private IReadOnlyList<LinkedColumn> Labels(Store.Contracts.IDatasetSource dataset, string table, TableRequest request, OutputFormat format, RowPage page)
    {
        var keys = CheckedKeys(dataset, table, request);
        if (keys.Count == 0 || request.Labels == false || page.Rows.Count == 0)
            return [];
        bool all = format == OutputFormat.Html || request.Labels == true;
        return ForeignKeyLabels.Resolve(state, dataset, table, page.Columns, page.Rows,
            k => all || request.LabelColumns.Contains(k.Column), state.Options.SqlTimeLimit);
    }

    /// <summary>Value facets over foreign-key columns get their values' labels (as Datasette's facets show them),
    /// unless _labels=off.</summary>
    private List<ShownFacet> LabelFacets(Store.Contracts.IDatasetSource dataset, string table, List<ShownFacet> facets, TableRequest request)
    {
        var keys = Store.Related.KeyLinks.From(dataset, table);
        if (request.Labels == false || keys.Count == 0)
            return facets;
        return facets.Select(f =>
        {
            if (f.Kind != FacetKind.Value || !keys.Any(k => k.Column.Equals(f.Column, StringComparison.OrdinalIgnoreCase)))
                return f;
            var values = f.Result.Values.Select(v => new object?[] { v.Value }).ToList();
            var resolved = ForeignKeyLabels.Resolve(state, dataset, table, [f.Column], values, _ => true, state.Options.SqlTimeLimit);
            return resolved.Count == 0 ? f : f with { Labels = resolved[0] };
        }).ToList();
    }

    /// <summary>_labels=on or _label=COLUMN on an export: a batch of rows' keys resolved (an empty batch gives the keys alone).</summary>
    private Func<IReadOnlyList<string>, IReadOnlyList<object?[]>, IReadOnlyList<LinkedColumn>>? ExportLabels(Store.Contracts.IDatasetSource dataset, string table, TableRequest request)
    {
        var keys = CheckedKeys(dataset, table, request);
        if (keys.Count == 0 || request.Labels != true && request.LabelColumns.Count == 0)
            return null;
        bool Wanted(Store.Related.ForeignKey k) => request.Labels == true || request.LabelColumns.Contains(k.Column);
        return (columns, rows) => rows.Count == 0
            ? keys.Where(k => Wanted(k) && columns.Contains(k.Column, StringComparer.OrdinalIgnoreCase)).Select(k => new LinkedColumn(k, new Dictionary<string, Store.Related.KeyTarget>())).ToList()
            : ForeignKeyLabels.Resolve(state, dataset, table, columns, rows, Wanted, state.Options.SqlTimeLimit);
    }

    /// <summary>The table's foreign keys, after checking every _label names one.</summary>
    private static IReadOnlyList<Store.Related.ForeignKey> CheckedKeys(Store.Contracts.IDatasetSource dataset, string table, TableRequest request)
    {
        var keys = Store.Related.KeyLinks.From(dataset, table);
        foreach (string column in request.LabelColumns)
        {
            if (!keys.Any(k => k.Column.Equals(column, StringComparison.OrdinalIgnoreCase)))
                throw new Store.UserErrorException($"_label: column '{column}' is not a foreign key ({(keys.Count == 0 ? $"table '{table}' has none" : "foreign keys: " + string.Join(", ", keys.Select(k => $"{k.Column} → {k.OtherTable}.{k.OtherColumn}")))})");
        }
        return keys;
    }

    /// <summary>The page with only the columns _col/_nocol keep (rowid stays first).</summary>
    private static RowPage Project(RowPage page, IReadOnlySet<string>? shown)
    {
        if (shown is null)
            return page;
        var keep = Enumerable.Range(0, page.Columns.Count).Where(i => shown.Contains(page.Columns[i])).ToArray();
        return page with
        {
            Columns = keep.Select(i => page.Columns[i]).ToArray(),
            Rows = page.Rows.Select(r => keep.Select(i => r[i]).ToArray()).ToList(),
        };
    }
}
