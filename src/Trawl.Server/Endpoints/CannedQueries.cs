using Microsoft.AspNetCore.Http;
using Trawl.Server.Hosting;
using Trawl.Server.Metadata;
using Trawl.Server.Requests;

namespace Trawl.Server.Endpoints;

/// <summary>
/// Datasette's canned queries: <c>/DB/NAME</c> (and <c>.json</c>) runs the metadata's query NAME as the query page
/// runs user SQL (read-only, the server's limits), its <c>:name</c> parameters taken from the query string. A table
/// of the same name wins, as in Datasette.
/// </summary>
internal static class CannedQueries
{
    public sealed record Found(CannedQuery Query, OutputFormat Format);

    public static Found? Find(ServerState state, string db, string segment)
    {
        if (!state.Catalog.Contains(db))
            return null;
        var (name, format) = segment.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? (segment[..^5], OutputFormat.Json) : (segment, OutputFormat.Html);
        var dataset = state.Catalog.Get(db);
        if (DatasetCatalog.FindTable(dataset, segment) is not null || DatasetCatalog.FindTable(dataset, name) is not null)
            return null;
        return state.Options.Metadata.Query(dataset.Name, name) is { } q ? new Found(q, format) : null;
    }

    public static Task Run(HttpContext context, QueryEndpoint endpoint, string db, Found found)
    {
        var pairs = QueryParams.Parse(context.Request.QueryString.Value).Without("sql").Pairs
            .Prepend(new KeyValuePair<string, string>("sql", found.Query.Sql));
        context.Request.QueryString = QueryString.Create(pairs!);
        return endpoint.Handle(context, db, found.Format, canned: true);
    }
}
