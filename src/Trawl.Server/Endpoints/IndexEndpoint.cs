using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Trawl.Server.Hosting;
using Trawl.Server.Output;
using Trawl.Server.Rendering;
using Trawl.Server.Requests;
using Trawl.Server.Views;
using Trawl.Store.Contracts;
using Trawl.Store.Datasets;

namespace Trawl.Server.Endpoints;

/// <summary>/ and /.json: every dataset with its tables and row counts; /DB and /DB.json: one dataset.</summary>
internal sealed class IndexEndpoint(ServerState state)
{
    public Task Index(HttpContext context, OutputFormat format)
    {
        var datasets = state.Catalog.Datasets;
        if (format == OutputFormat.Json)
        {
            return Responses.Json(context, w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("ok", true);
                w.WriteStartArray("datasets");
                foreach (var d in datasets)
                    WriteDataset(w, d, Visible(d));
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }
        var sb = new StringBuilder();
        var site = state.Options.Metadata;
        sb.Append("<h1>").AppendEncoded(site.Title ?? "Datasets").Append("</h1>");
        AboutLine.Append(sb, site.Description, site.License, site.LicenseUrl, site.Source, site.SourceUrl);
        if (datasets.Count == 0)
            sb.Append("<p class=\"notice\">No datasets are being served.</p>");
        sb.Append("<ul class=\"listing\">");
        foreach (var d in datasets)
        {
            var tables = Visible(d);
            sb.Append("<li><a class=\"name\" href=\"").AppendEncoded(Links.Dataset(d.Name)).Append("\">").AppendEncoded(d.Name).Append("</a>")
              .Append(" <span class=\"detail\">").Append(Plural(tables.Count, "table")).Append(" · ")
              .Append(Plural(tables.Sum(t => t.RowCount), "row")).Append(" · ").Append(Size(d.SizeOnDisk())).Append("</span>")
              .Append("<div class=\"detail\">");
            foreach (var t in tables)
            {
                sb.Append("<a href=\"").AppendEncoded(Links.Table(d.Name, t.Name)).Append("\">").AppendEncoded(t.Name).Append("</a> ")
                  .Append('(').Append(t.RowCount.ToString("N0", CultureInfo.InvariantCulture)).Append(") ");
            }
            sb.Append("</div></li>");
        }
        sb.Append("</ul><p class=\"meta\"><a href=\"").AppendEncoded(Links.Root("/.json")).Append("\">.json</a></p>");
        return Responses.Html(context, PageLayout.Render(site.Title ?? "Datasets", [], sb.ToString()));
    }

    public Task Dataset(HttpContext context, string segment)
    {
        var (dataset, format) = Resolve.Dataset(state.Catalog, segment);
        var tables = Visible(dataset);
        var about = state.Options.Metadata.Database(dataset.Name);
        if (format == OutputFormat.Json)
        {
            return Responses.Json(context, w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("ok", true);
                w.WritePropertyName("dataset");
                WriteDataset(w, dataset, tables);
                w.WriteEndObject();
            });
        }
        var sb = new StringBuilder();
        sb.Append("<h1>").AppendEncoded(dataset.Name).Append("</h1><p class=\"meta\">")
          .Append(Plural(tables.Count, "table")).Append("<span class=\"sep\">·</span>").Append(Size(dataset.SizeOnDisk()))
          .Append(state.Options.AllowSql ? "<span class=\"sep\">·</span><a href=\"" + Html.Encode(Links.Query(dataset.Name)) + "\">SQL query</a>" : "")
          .Append(state.Options.AllowDownload && dataset.Capabilities.SqlDialect == Store.Contracts.SqlDialect.Sqlite
              ? "<span class=\"sep\">·</span><a class=\"download\" href=\"" + Html.Encode(Links.Root("/" + Html.Segment(dataset.Name) + ".db")) + "\">Download SQLite DB</a>" : "")
          .Append("<span class=\"sep\">·</span><a href=\"").AppendEncoded(Links.Dataset(dataset.Name, OutputFormat.Json)).Append("\">.json</a></p>");
        if (about is not null)
            AboutLine.Append(sb, about.Description, about.License, about.LicenseUrl, about.Source, about.SourceUrl);
        if (about is { Queries.Count: > 0 })
        {
            // Canned queries from the metadata, each at /DB/NAME.
            sb.Append("<h2>Queries</h2><ul class=\"listing\">");
            foreach (var (name, q) in about.Queries)
                sb.Append("<li><a class=\"name\" href=\"").AppendEncoded(Links.Table(dataset.Name, name)).Append("\">").AppendEncoded(q.Title ?? name).Append("</a></li>");
            sb.Append("</ul>");
        }
        sb.Append("<ul class=\"listing\">");
        foreach (var t in tables)
        {
            sb.Append("<li><a class=\"name\" href=\"").AppendEncoded(Links.Table(dataset.Name, t.Name)).Append("\">").AppendEncoded(t.Name).Append("</a>")
              .Append(" <span class=\"detail\">").Append(Plural(t.RowCount, "row"));
            if (t.SearchColumns.Count > 0)
                sb.Append(" · search: ").AppendEncoded(string.Join(", ", t.SearchColumns));
            sb.Append("</span>");
            if (about?.Tables.GetValueOrDefault(t.Name)?.Description is { } tableDescription)
                sb.Append("<div class=\"description\">").AppendEncoded(tableDescription).Append("</div>");
            sb.Append("<div class=\"columns\">").AppendEncoded(string.Join(", ", t.Columns.Select(c => c.Name))).Append("</div></li>");
        }
        sb.Append("</ul>");
        return Responses.Html(context, PageLayout.Render(dataset.Name, [new Crumb(dataset.Name, null)], sb.ToString()));
    }

    /// <summary>The dataset's tables without those the metadata hides.</summary>
    private IReadOnlyList<TableInfo> Visible(IDatasetSource d) =>
        d.ListTables().Where(t => !state.Options.Metadata.IsHidden(d.Name, t.Name)).ToList();

    private static void WriteDataset(Utf8JsonWriter w, IDatasetSource d, IReadOnlyList<TableInfo> tables)
    {
        w.WriteStartObject();
        w.WriteString("name", d.Name);
        w.WriteString("path", Links.Dataset(d.Name));
        w.WriteNumber("size_bytes", d.SizeOnDisk());
        w.WriteStartArray("tables");
        foreach (var t in tables)
        {
            w.WriteStartObject();
            w.WriteString("name", t.Name);
            w.WriteString("path", Links.Table(d.Name, t.Name));
            w.WriteNumber("rows", t.RowCount);
            w.WriteStartArray("columns");
            foreach (var c in t.Columns)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("type", c.SqlType.Name());
                w.WriteString("role", c.Role.ToString().ToLowerInvariant());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("search_columns");
            foreach (string s in t.SearchColumns)
                w.WriteStringValue(s);
            w.WriteEndArray();
            w.WriteString("primary_key", t.PrimaryKey);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Plural(long n, string noun) =>
        n.ToString("N0", CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? "" : "s");

    internal static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        < 1024L * 1024 * 1024 => (bytes / 1048576.0).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / 1073741824.0).ToString("0.##", CultureInfo.InvariantCulture) + " GB",
    };
}
