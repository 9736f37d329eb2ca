using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Trawl.Server.Hosting;
using Trawl.Server.Output;
using Trawl.Server.Requests;
using Trawl.Server.Views;
using Trawl.Store.Datasets;

namespace Trawl.Server.Endpoints;

/// <summary>/DB/TABLE with its .json, .csv and .jsonl twins.</summary>
internal sealed class TableEndpoint(ServerState state)
{
    /// <summary>Facets shown before the user asks for any: the first suggested ones, from the cache, only on an
    /// unfiltered page so they never cost a query per request.</summary>
    public const int DefaultFacets = 3;
    public const int FacetLimit = 30;

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

        var page = dataset.QueryRows(request.Query, count: true);
        var facetQuery = request.Query with { Next = null };

        var suggested = state.Facets.Suggestions(dataset, table);
        var facetColumns = request.Facets.Select(c => (Column: c, Explicit: true)).ToList();
        if (facetColumns.Count == 0 && format == OutputFormat.Html && !request.HasSearchOrFilters)
        {
            // Media and link columns are poor defaults: their values are long and say little on their own.
            var plain = suggested.Where(c => table.FindColumn(c)?.Role is null or ColumnRole.None);
            facetColumns.AddRange(plain.Take(DefaultFacets).Select(c => (Column: c, Explicit: false)));
        }
        var facets = facetColumns.Select(f => new ShownFacet(
            f.Column,
            request.HasSearchOrFilters ? dataset.Facet(facetQuery, f.Column, FacetLimit) : state.Facets.Get(dataset, table, f.Column, FacetLimit),
            f.Explicit)).ToList();
        var histograms = request.Histograms.Select(c => dataset.Histogram(facetQuery, c)).ToList();
        var shown = facets.Select(f => f.Column).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var result = new TableResult(dataset.Name, table, request, page, facets, histograms,
            suggested.Where(c => !shown.Contains(c)).ToList(), clock.Elapsed.TotalMilliseconds);

        if (format == OutputFormat.Json)
            await Responses.Json(context, w => TableJson.Write(w, result, TableJson.Origin(context.Request)));
        else
            await Responses.Html(context, TableView.Render(result));
    }
}
