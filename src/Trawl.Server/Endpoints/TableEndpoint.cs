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
    public const int FacetLimit = 30;

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
        var request = TableRequest.Parse(QueryParams.Parse(context.Request.QueryString.Value), table);

        if (format is OutputFormat.Csv or OutputFormat.JsonLines)
        {
            await Exports.Write(context, dataset, table, request, format);
            return;
        }
        if (request.UsedFilterForm && format == OutputFormat.Html)
        {
            context.Response.Redirect(Links.Table(dataset.Name, table.Name, OutputFormat.Html, request.Params));
            return;
        }

        // Rows first: they validate the query (columns, FTS syntax, cursor) before anything runs beside them.
        var page = dataset.QueryRows(request.Query, count: false);
        var facetQuery = request.Query with { Next = null };

        var suggested = state.Facets.Suggestions(dataset, table);
        var facetColumns = request.Facets.Select(c => (Column: c, Explicit: true)).ToList();
        if (facetColumns.Count == 0 && format == OutputFormat.Html && !request.HasSearchOrFilters)
            facetColumns.AddRange(DefaultFacetColumns(table, suggested).Select(c => (Column: c, Explicit: false)));

        var limit = state.Options.SqlTimeLimit;
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
        var countTask = TimeLimit.Start(t => dataset.CountRows(facetQuery, t), stop);
        // With a token-count column, facets carry each value's tokens and the page the matching rows' tokens.
        string? tokens = table.TokenColumn?.Name;
        var facetTasks = facetColumns.Select(f => (f.Column, f.Explicit, Task: request.HasSearchOrFilters
            ? TimeLimit.Start(t => tokens is null ? dataset.Facet(facetQuery, f.Column, FacetLimit, t) : dataset.FacetWithSum(facetQuery, f.Column, tokens, FacetLimit, t), stop)
            : state.Facets.Get(dataset, table, f.Column, FacetLimit, tokens))).ToList();
        var tokenTask = tokens is null ? null : request.HasSearchOrFilters
            ? TimeLimit.Start(t => dataset.Sum(facetQuery, tokens, t), stop)
            : state.Facets.Sum(dataset, table, tokens);
        var histogramTasks = request.Histograms.Select(c => (Column: c, Task: TimeLimit.Start(t => dataset.Histogram(facetQuery, c, cancel: t), stop))).ToList();

        var (counted, count) = await TimeLimit.WaitAsync(countTask, limit - budget.Elapsed, cancel);
        var (tokensDone, tokenSum) = tokenTask is null ? (false, (long?)null) : await TimeLimit.WaitAsync(tokenTask, limit - budget.Elapsed, cancel);
        var facets = new List<ShownFacet>();
        var timedOut = new List<string>();
        foreach (var f in facetTasks)
        {
            var (done, facet) = await TimeLimit.WaitAsync(f.Task, limit - budget.Elapsed, cancel);
            if (done)
                facets.Add(new ShownFacet(f.Column, facet!, f.Explicit));
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

        work.Cancel();

        var shown = facetColumns.Select(f => f.Column).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var result = new TableResult(dataset.Name, table, request, page with { Count = counted ? count : null }, facets, histograms,
            suggested.Where(c => !shown.Contains(c)).ToList(), clock.Elapsed.TotalMilliseconds)
        {
            CountTimedOut = !counted,
            FacetsTimedOut = timedOut,
            HistogramsTimedOut = histogramsTimedOut,
            TimeLimitMs = limit.TotalMilliseconds,
            TokenColumn = tokens,
            Tokens = tokensDone ? tokenSum : null,
            HasVectors = dataset.ListVectorSets().Any(s => s.Table.Equals(table.Name, StringComparison.OrdinalIgnoreCase)),
        };

        if (format == OutputFormat.Json)
            await Responses.Json(context, w => TableJson.Write(w, result, TableJson.Origin(context.Request)));
        else
            await Responses.Html(context, TableView.Render(result));
    }
}
