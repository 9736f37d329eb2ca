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
        foreach (var (name, value) in DatasetteSettings.Current(o))
        {
            switch (value)
            {
                case null: w.WriteNull(name); break;
                case bool b: w.WriteBoolean(name, b); break;
                case int n: w.WriteNumber(name, n); break;
                case long n: w.WriteNumber(name, n); break;
                default: w.WriteString(name, value.ToString()); break;
            }
        }
        w.WriteNumber("max_facet_size", TableRequest.MaxFacetSize);
        w.WriteBoolean("allow_fetch", o.AllowFetch);
        w.WriteNumber("heavy_work_slots", o.HeavyWorkSlots);
        w.WriteNumber("heavy_work_queue", o.HeavyWorkQueue);
        w.WriteEndObject();
    });

    /// <summary>The metadata in force, as the file says it (YAML turned into JSON); Datasette's {} without one.</summary>
    public Task Metadata(HttpContext context) => Responses.Json(context, w =>
    {
        using var doc = System.Text.Json.JsonDocument.Parse(state.Options.Metadata.Json);
        doc.RootElement.WriteTo(w);
    });

    public static Task NotFound(HttpContext context) =>
        ErrorHandling.WriteError(context, $"no page at {context.Request.Path} (instance pages: /-/versions.json, /-/databases.json, /-/settings.json, /-/metadata.json)", StatusCodes.Status404NotFound);
}
