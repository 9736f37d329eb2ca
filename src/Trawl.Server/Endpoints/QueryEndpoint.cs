using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Trawl.Server.Hosting;
using Trawl.Server.Output;
using Trawl.Server.Rendering;
using Trawl.Server.Requests;
using Trawl.Server.Views;
using Trawl.Store;
using Trawl.Store.Sql;

namespace Trawl.Server.Endpoints;

/// <summary>/DB/-/query?sql=... and .json: one read-only statement with the server's time and row limits.
/// Other query-string keys (not starting with '_') are bound as :name parameters.</summary>
internal sealed class QueryEndpoint(ServerState state)
{
    /// <param name="canned">The SQL is a canned query from the metadata: it runs even with default_allow_sql off.</param>
    public async Task Handle(HttpContext context, string db, OutputFormat format, bool canned = false)
    {
        var dataset = state.Catalog.Get(db);
        if (!canned && !state.Options.AllowSql)
            throw new ForbiddenException("arbitrary SQL is not allowed: this server runs with default_allow_sql off (its canned queries still run)");
        var query = QueryParams.Parse(context.Request.QueryString.Value);
        SpecialParameters.Check(query, SpecialParameters.Query);
        var shape = TableRequest.ParseShape(query.Get("_shape"), table: false);
        var jsonColumns = query.GetAll("_json").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var timeLimit = TableRequest.ParseTimeLimit(query.Get("_timelimit")) is { } asked && asked < state.Options.SqlTimeLimit ? asked : state.Options.SqlTimeLimit;
        if ((TableRequest.ParseTtl(query.Get("_ttl")) ?? state.Options.DefaultCacheTtl) is int ttl)
            context.Response.Headers.CacheControl = ttl == 0 ? "no-cache" : $"max-age={ttl}";
        string sql = query.Get("sql") ?? "";
        var parameters = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in query.Pairs)
        {
            if (key != "sql" && !key.StartsWith('_'))
                parameters[key] = value;
        }

        SqlResult? result = null;
        string? error = null;
        if (!string.IsNullOrWhiteSpace(sql))
        {
            var options = new SqlOptions { TimeLimit = timeLimit, MaxRows = state.Options.SqlMaxRows, Parameters = parameters };
            using var slot = await state.HeavyWork.EnterAsync(state.Options.SqlTimeLimit, context.RequestAborted);
            try
            {
                result = dataset.ExecuteSql(sql, options);
            }
            catch (UserErrorException ex) when (format == OutputFormat.Html)
            {
                // The page keeps the form and the SQL so the mistake can be fixed in place.
                error = ex.Message;
            }
        }
        else if (format != OutputFormat.Html)
            throw new UserErrorException("give the SQL to run in the 'sql' parameter");

        if (format is OutputFormat.Csv or OutputFormat.JsonLines)
        {
            await WriteExport(context, result!, format, query.Get("_dl") is "1" or "true", jsonColumns);
            return;
        }
        if (format == OutputFormat.Json && shape is not (JsonShape.Objects or JsonShape.Arrays))
        {
            if (shape == JsonShape.Array && query.Get("_nl")?.ToLowerInvariant() is "1" or "on" or "true")
                await Responses.JsonLines(context, result!.Rows, (w, row) => JsonValues.WriteRow(w, result.Columns, row, false, jsonColumns));
            else
                await Responses.Json(context, w => TableJson.WriteRows(w, result!.Columns, result.Rows, shape, jsonColumns));
            return;
        }
        if (format == OutputFormat.Json)
        {
            await Responses.Json(context, w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("ok", true);
                w.WriteString("database", dataset.Name);
                w.WriteString("sql", sql);
                w.WriteStartArray("columns");
                foreach (string c in result!.Columns)
                    w.WriteStringValue(c);
                w.WriteEndArray();
                w.WriteStartArray("rows");
                foreach (var row in result.Rows)
                    JsonValues.WriteRow(w, result.Columns, row, shape == JsonShape.Arrays, jsonColumns);
                w.WriteEndArray();
                w.WriteBoolean("truncated", result.Truncated);
                w.WriteNumber("elapsed_ms", Math.Round(result.Elapsed.TotalMilliseconds, 2));
                w.WriteEndObject();
            });
            return;
        }

        var sb = new StringBuilder();
        sb.Append("<h1>SQL query</h1><form class=\"sql\" method=\"get\" action=\"").AppendEncoded(Links.Query(dataset.Name)).Append("\">")
          .Append("<textarea name=\"sql\" aria-label=\"SQL\" spellcheck=\"false\" placeholder=\"select * from ...\">").AppendEncoded(sql).Append("</textarea>")
          .Append("<button type=\"submit\">Run</button> <span class=\"meta\">read-only · ")
          .Append(state.Options.SqlTimeLimit.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)).Append(" ms time limit · at most ")
          .Append(state.Options.SqlMaxRows.ToString("N0", CultureInfo.InvariantCulture)).Append(" rows</span></form>");
        if (error is not null)
            sb.Append("<p class=\"error-message\">").AppendEncoded(error).Append("</p>");
        if (result is not null)
        {
            sb.Append("<p class=\"meta\">").Append(result.Rows.Count.ToString("N0", CultureInfo.InvariantCulture)).Append(result.Rows.Count == 1 ? " row" : " rows")
              .Append("<span class=\"sep\">·</span>").Append(result.Elapsed.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)).Append(" ms")
              .Append("<span class=\"sep\">·</span><span class=\"exports\"><a href=\"").AppendEncoded(Links.Query(dataset.Name, OutputFormat.Json) + query).Append("\">.json</a>")
              .Append("<a href=\"").AppendEncoded(Links.Query(dataset.Name, OutputFormat.Csv) + query.Set("_dl", "1")).Append("\">.csv</a>")
              .Append("<a href=\"").AppendEncoded(Links.Query(dataset.Name, OutputFormat.JsonLines) + query.Set("_dl", "1")).Append("\">.jsonl</a></span></p>");
            if (result.Truncated)
                sb.Append("<p class=\"notice truncated\">Results truncated at ").Append(state.Options.SqlMaxRows.ToString("N0", CultureInfo.InvariantCulture)).Append(" rows.</p>");
            var cells = new CellRenderer(result.Columns, null, state.Options.TruncateCellsHtml == 0 ? int.MaxValue : state.Options.TruncateCellsHtml);
            sb.Append("<div class=\"table-wrap\"><table class=\"rows\"><thead><tr>");
            foreach (string c in result.Columns)
                sb.Append("<th scope=\"col\">").AppendEncoded(c).Append("</th>");
            sb.Append("</tr></thead><tbody>");
            foreach (var row in result.Rows)
            {
                sb.Append("<tr>");
                for (int i = 0; i < row.Length; i++)
                    cells.AppendCell(sb, row, i);
                sb.Append("</tr>");
            }
            sb.Append("</tbody></table></div>");
        }
        await Responses.Html(context, PageLayout.Render("SQL · " + dataset.Name,
            [new Crumb(dataset.Name, Links.Dataset(dataset.Name)), new Crumb("query", null)], sb.ToString()),
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    /// <summary>The result as CSV or JSON Lines (at most the server's row limit, as on the page).</summary>
    private static async Task WriteExport(HttpContext context, SqlResult result, OutputFormat format, bool download, IReadOnlySet<string> jsonColumns)
    {
        string extension = format == OutputFormat.Csv ? "csv" : "jsonl";
        if (download)
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"query.{extension}\"";
        if (format == OutputFormat.JsonLines)
        {
            await Responses.JsonLines(context, result.Rows, (w, row) => JsonValues.WriteRow(w, result.Columns, row, false, jsonColumns));
            return;
        }
        var sb = new StringBuilder();
        CsvFormat.AppendRow(sb, result.Columns.ToArray<object?>());
        foreach (var row in result.Rows)
            CsvFormat.AppendRow(sb, row);
        context.Response.ContentType = "text/csv; charset=utf-8";
        await context.Response.WriteAsync(sb.ToString(), Encoding.UTF8, context.RequestAborted);
    }
}
