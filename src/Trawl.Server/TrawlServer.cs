using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Trawl.Clip.Encoders;
using Trawl.Server.Clip;
using Trawl.Server.Endpoints;
using Trawl.Server.Hosting;
using Trawl.Server.Requests;
using Trawl.Store;

namespace Trawl.Server;

/// <summary>Builds the web application that serves datasets' pages and JSON API.</summary>
public static class TrawlServer
{
    /// <summary>Builds (does not start) the app serving the datasets at <paramref name="datasetPaths"/>, bound to
    /// http://{Host}:{Port}. Port 0 takes a free port: after StartAsync the real address is in app.Urls.
    /// A missing dataset, a duplicate name or a host that is not an address is a <see cref="UserErrorException"/>.</summary>
    public static WebApplication Build(IReadOnlyList<string> datasetPaths, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(datasetPaths);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Port is < 0 or > 65535)
            throw new UserErrorException($"port {options.Port} is not between 0 and 65535");
        if (options.SqlTimeLimit <= TimeSpan.Zero || options.SqlMaxRows < 1)
            throw new UserErrorException("the SQL time limit and row limit must be positive");
        if (options.HeavyWorkSlots < 1 || options.HeavyWorkQueue < 0)
            throw new UserErrorException("the heavy-work slots must be at least 1 and the queue at least 0");
        var endpoint = ParseHost(options.Host);
        // The store's calls block a pool thread each (SQLite); without spare threads a burst of heavy requests
        // would delay even the light ones while the pool grows slowly.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);

        var catalog = DatasetCatalog.Open(datasetPaths);
        try
        {
            Metadata.MetadataCheck.Against(options.Metadata, catalog);
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                Args = [],
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.AddServerHeader = false;
                // Kestrel cannot pick a free port for "localhost" (two addresses), so port 0 takes IPv4 loopback.
                if (endpoint is null && options.Port != 0)
                    k.ListenLocalhost(options.Port);
                else
                    k.Listen(endpoint ?? IPAddress.Loopback, options.Port);
            });
            // One line per request is noise on a terminal, and the caller prints app.Urls itself;
            // warnings and errors (with the details of 500s) still show.
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

            // Created through a factory so the container owns it: disposing the app closes the datasets,
            // whether or not it was ever started.
            builder.Services.AddSingleton(_ => catalog);
            var clip = OpenClip(options, catalog);
            builder.Services.AddSingleton(_ => clip);

            var app = builder.Build();
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Trawl.Server");
            var state = new ServerState(app.Services.GetRequiredService<DatasetCatalog>(), options, logger) { ClipQueries = app.Services.GetRequiredService<ClipQueries>() };
            app.Lifetime.ApplicationStarted.Register(() =>
                Task.Run(() => TableEndpoint.WarmUp(state, app.Lifetime.ApplicationStopping)));

            if (options.BaseUrl != "/")
            {
                // Behind a proxy at base_url: requests may come with or without the prefix, links always carry it.
                string prefix = options.BaseUrl.TrimEnd('/');
                app.UsePathBase(prefix);
                app.Use((context, next) =>
                {
                    Views.Links.Prefix = prefix;
                    return next(context);
                });
                app.UseRouting();
            }
            app.Use(SecurityHeaders.Apply);
            if (options.Cors)
                app.Use(CorsHeaders.Apply);
            app.Use((context, next) => ErrorHandling.Handle(context, next, logger));
            MapRoutes(app, state);
            return app;
        }
        catch
        {
            catalog.Dispose();
            throw;
        }
    }

    private static void MapRoutes(WebApplication app, ServerState state)
    {
        var index = new IndexEndpoint(state);
        var table = new TableEndpoint(state);
        var row = new RowEndpoint(state);
        var query = new QueryEndpoint(state);
        var knn = new KnnEndpoint(state);
        var clipRetrieval = new ClipRetrievalEndpoint(state);
        var image = new ImageEndpoint(state);
        var instance = new InstanceEndpoint(state);
        var meaning = new MeaningEndpoint(state);
        var download = new DownloadEndpoint(state);

        Get(app, "/", (HttpContext c) => index.Index(c, OutputFormat.Html));
        Get(app, "/.json", (HttpContext c) => index.Index(c, OutputFormat.Json));
        Get(app, "/-/static/{name}", (HttpContext c, string name) => AssetEndpoint.Handle(c, name));
        Get(app, "/robots.txt", (HttpContext c) => RobotsEndpoint.Handle(c, state.Options.AllowRobots));
        Get(app, "/indices-list", (HttpContext c) => clipRetrieval.IndicesList(c));
        app.MapPost("/knn-service", (HttpContext c) => clipRetrieval.KnnService(c));
        app.MapPost("/metadata", (HttpContext c) => clipRetrieval.Metadata(c));
        // Datasette's instance pages; "-" is never a dataset, so nothing under /-/ falls through to a table.
        foreach (string suffix in new[] { "", ".json" })
        {
            Get(app, "/-/versions" + suffix, (HttpContext c) => instance.Versions(c));
            Get(app, "/-/databases" + suffix, (HttpContext c) => instance.Databases(c));
            Get(app, "/-/settings" + suffix, (HttpContext c) => instance.Settings(c));
            Get(app, "/-/metadata" + suffix, (HttpContext c) => instance.Metadata(c));
        }
        Get(app, "/-/{**rest}", (HttpContext c) => InstanceEndpoint.NotFound(c));
        Get(app, "/{db}", (HttpContext c, string db) => download.DatasetOf(db) is { } name ? download.Handle(c, name) : index.Dataset(c, db));
        Get(app, "/{db}/-/query", (HttpContext c, string db) => query.Handle(c, db, OutputFormat.Html));
        Get(app, "/{db}/-/query.json", (HttpContext c, string db) => query.Handle(c, db, OutputFormat.Json));
        Get(app, "/{db}/-/query.csv", (HttpContext c, string db) => query.Handle(c, db, OutputFormat.Csv));
        Get(app, "/{db}/-/query.jsonl", (HttpContext c, string db) => query.Handle(c, db, OutputFormat.JsonLines));
        Get(app, "/{db}/-/knn", (HttpContext c, string db) => knn.Get(c, db));
        app.MapPost("/{db}/-/knn", (HttpContext c, string db) => knn.Post(c, db));
        Get(app, "/{db}/-/meaning", (HttpContext c, string db) => meaning.Get(c, db));
        app.MapPost("/{db}/-/meaning", (HttpContext c, string db) => meaning.Post(c, db));
        Get(app, "/{db}/{table}", (HttpContext c, string db, string table) => TableHandler(table, c, db));
        Get(app, "/{db}/{table}/{rowid}", (HttpContext c, string db, string table, string rowid) => row.Handle(c, db, table, rowid));
        Get(app, "/{db}/{table}/{rowid}/image", (HttpContext c, string db, string table, string rowid) => image.Handle(c, db, table, rowid));
        app.MapFallback("{**path}", (HttpContext c) => ErrorHandling.WriteError(c, $"no page at {c.Request.Path}", StatusCodes.Status404NotFound));

        Task TableHandler(string name, HttpContext c, string db) =>
            CannedQueries.Find(state, db, name) is { } canned ? CannedQueries.Run(c, query, db, canned) : table.Handle(c, db, name);
    }

    /// <summary>The CLIP model and extras of --model / --clip-extras, checked against the served vector sets' dimension.</summary>
    private static ClipQueries OpenClip(ServerOptions options, DatasetCatalog catalog)
    {
        if (options.ClipModel is null)
        {
            if (options.ClipExtras is not null) throw new UserErrorException("--clip-extras goes with --model");
            return new ClipQueries(null, ClipExtras.Empty, options.AllowFetch);
        }
        ClipEncoder encoder;
        try
        {
            encoder = ClipEncoder.Open(options.ClipModel);
        }
        catch (Trawl.Formats.Tables.DataFormatException e)
        {
            throw new UserErrorException(e.Message, e);
        }
        try
        {
            var extras = options.ClipExtras is null ? ClipExtras.Empty : ClipExtras.Load(options.ClipExtras, encoder.Dimension);
            return new ClipQueries(encoder, extras, options.AllowFetch);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>GET, and HEAD for link checkers (Kestrel sends the headers without the body).</summary>
    private static void Get(WebApplication app, string pattern, Delegate handler) =>
        app.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], handler);

    /// <summary>Null means "localhost" (both loopback addresses); "*", "+" and "0.0.0.0" mean every interface.</summary>
    private static IPAddress? ParseHost(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return null;
        if (host is "*" or "+")
            return IPAddress.Any;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
            return address;
        throw new UserErrorException($"cannot bind to '{host}': give an IP address such as 127.0.0.1 (or localhost)");
    }
}
