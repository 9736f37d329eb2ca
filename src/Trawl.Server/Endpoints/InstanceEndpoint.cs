using System.Reflection;
using Microsoft.AspNetCore.Http;
using Trawl.Server.Hosting;
using Trawl.Server.Output;
using Trawl.Server.Requests;
using Trawl.Server.Views;
using Trawl.Store.Storage;

namespace Trawl.Server.Endpoints;

/// <summary>Datasette's instance pages under /-/: versions, databases, settings and metadata, as JSON.</summary>
internal sealed class InstanceEndpoint(ServerState state)
{
    public static string TrawlVersion { get; } =
        typeof(InstanceEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public Task Versions(HttpContext context) => Responses.Json(context, w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("trawl");
        w.WriteString("version", TrawlVersion);
        w.WriteEndObject();
        w.WriteStartObject("dotnet");
        w.WriteString("version", Environment.Version.ToString());
        w.WriteString("framework", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
        w.WriteEndObject();
        w.WriteStartObject("sqlite");
        w.WriteString("version", SqliteLibrary.Version);
        var options = SqliteLibrary.CompileOptions;
        w.WriteStartArray("fts_versions");
        if (options.Contains("ENABLE_FTS5"))
            w.WriteStringValue("FTS5");
        if (options.Contains("ENABLE_FTS4") || options.Contains("ENABLE_FTS3"))
            w.WriteStringValue("FTS4");
        w.WriteEndArray();
        w.WriteStartArray("compile_options");
        foreach (string o in options)
            w.WriteStringValue(o);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public Task Databases(HttpContext context) => Responses.Json(context, w =>
    {
        w.WriteStartArray();
        foreach (var d in state.Catalog.Datasets)
        {
            w.WriteStartObject();
            w.WriteString("name", d.Name);
            w.WriteString("route", d.Name);
            w.WriteString("path", d.Location);
            w.WriteString("backend", d.Capabilities.Backend);
            w.WriteNumber("size", d.SizeOnDisk());
            w.WriteNumber("tables", d.ListTables().Count);
            w.WriteBoolean("is_mutable", false);
            w.WriteBoolean("is_memory", false);
            w.WriteNull("hash");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <summary>The settings in force, by Datasette's names where one applies.</summary>
    public Task Settings(HttpContext context) => Responses.Json(context, w =>
    {
        var o = state.Options;
        w.WriteStartObject();
        w.WriteNumber("default_page_size", TableRequest.DefaultSize);
        w.WriteNumber("max_returned_rows", o.SqlMaxRows);
        w.WriteNumber("sql_time_limit_ms", (long)o.SqlTimeLimit.TotalMilliseconds);
        w.WriteNumber("facet_time_limit_ms", (long)o.SqlTimeLimit.TotalMilliseconds);
        w.WriteNumber("default_facet_size", TableRequest.DefaultFacetSize);
        w.WriteNumber("max_facet_size", TableRequest.MaxFacetSize);
        w.WriteNumber("facet_suggest_time_limit_ms", (long)TableEndpoint.SuggestionBudget.TotalMilliseconds);
        w.WriteBoolean("suggest_facets", true);
        w.WriteBoolean("allow_facet", true);
        w.WriteBoolean("allow_download", true);
        w.WriteBoolean("allow_fetch", o.AllowFetch);
        w.WriteNumber("heavy_work_slots", o.HeavyWorkSlots);
        w.WriteNumber("heavy_work_queue", o.HeavyWorkQueue);
        w.WriteEndObject();
    });

    /// <summary>The metadata in force: none is loaded yet, so Datasette's empty object.</summary>
    public Task Metadata(HttpContext context) => Responses.Json(context, w =>
    {
        w.WriteStartObject();
        w.WriteEndObject();
    });

    public static Task NotFound(HttpContext context) =>
        ErrorHandling.WriteError(context, $"no page at {context.Request.Path} (instance pages: /-/versions.json, /-/databases.json, /-/settings.json, /-/metadata.json)", StatusCodes.Status404NotFound);
}
