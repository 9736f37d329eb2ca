using Trawl.Store.Queries;
using System.Text.Json;
using Trawl.Server.Output;
using Trawl.Server.Requests;

namespace Trawl.Server.Views;

/// <summary>The table page's JSON twin.</summary>
internal static class TableJson
{
    /// <summary>The page in the shape _shape asks for: the page object (rows as objects or arrays), a bare array of
    /// rows (one per line with _nl), an array of first values, or an object keyed by rowid.</summary>
    public static Task Respond(Microsoft.AspNetCore.Http.HttpContext context, TableResult r)
    {
        var request = r.Request;
        var page = r.Page;
        if (request.Shape is JsonShape.Objects or JsonShape.Arrays)
            return Responses.Json(context, w => Write(w, r, r.Origin));
        if (page.Next is not null)
        {
            // Bare shapes have no "next_url" key; Datasette puts it in a Link header.
            string next = r.Origin + Links.Table(r.Database, r.Table.Name, OutputFormat.Json, request.Params.Set("_next", page.Next));
            context.Response.Headers.Link = $"<{next}>; rel=\"next\"";
        }
        if (request.Shape == JsonShape.Array && request.NewlineDelimited)
            return Responses.JsonLines(context, page.Rows, (w, row) => JsonValues.WriteRow(w, page.Columns, row, false, request.JsonColumns, r.Linked));
        return Responses.Json(context, w => WriteRows(w, page.Columns, page.Rows, request.Shape, request.JsonColumns, r.Linked));
    }

    /// <summary>Rows in a bare shape (array, arrayfirst, object keyed by the first column, rowid).</summary>
    public static void WriteRows(Utf8JsonWriter w, IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows, JsonShape shape, IReadOnlySet<string> jsonColumns,
        IReadOnlyList<LinkedColumn>? linked = null)
    {
        if (shape == JsonShape.Object)
        {
            w.WriteStartObject();
            foreach (var row in rows)
            {
                w.WritePropertyName(Convert.ToString(row[0], System.Globalization.CultureInfo.InvariantCulture) ?? "");
                JsonValues.WriteRow(w, columns, row, false, jsonColumns, linked);
            }
            w.WriteEndObject();
            return;
        }
        w.WriteStartArray();
        foreach (var row in rows)
        {
            if (shape == JsonShape.ArrayFirst)
                JsonValues.Write(w, row.Length > 0 ? row[0] : null);
            else
                JsonValues.WriteRow(w, columns, row, shape == JsonShape.Arrays, jsonColumns, linked);
        }
        w.WriteEndArray();
    }

    public static void Write(Utf8JsonWriter w, TableResult r, string origin)
    {
        var request = r.Request;
        var q = request.Query;
        var page = r.Page;
        w.WriteStartObject();
        w.WriteBoolean("ok", true);
        w.WriteString("database", r.Database);
        w.WriteString("table", r.Table.Name);
        w.WriteStartArray("columns");
        foreach (string c in page.Columns)
            w.WriteStringValue(c);
        w.WriteEndArray();
        w.WriteStartArray("rows");
        foreach (var row in page.Rows)
            JsonValues.WriteRow(w, page.Columns, row, request.RowsAsArrays, request.JsonColumns, r.Linked);
        w.WriteEndArray();
        if (page.Count is long count)
            w.WriteNumber("count", count);
        else
            w.WriteNull("count");
        w.WriteBoolean("count_timed_out", r.CountTimedOut);
        w.WriteString("token_column", r.TokenColumn);
        if (r.Tokens is long tokens)
            w.WriteNumber("tokens", tokens);
        else
            w.WriteNull("tokens");
        w.WriteString("ordering", page.Ordering switch
        {
            PageOrdering.Relevance => "relevance",
            PageOrdering.Column => "column",
            PageOrdering.RowIdUnranked => "rowid_unranked",
            _ => "rowid",
        });
        w.WriteNumber("table_rows", r.Table.RowCount);
        if (r.Metadata is { } about)
        {
            w.WriteString("title", about.Title);
            w.WriteString("description", about.Description);
            w.WriteStartObject("column_descriptions");
            foreach (var (column, description) in about.Columns)
                w.WriteString(column, description);
            w.WriteEndObject();
        }
        w.WriteString("next", page.Next);
        if (page.Next is null)
            w.WriteNull("next_url");
        else
            w.WriteString("next_url", origin + Links.Table(r.Database, r.Table.Name, OutputFormat.Json, request.Params.Set("_next", page.Next)));

        w.WriteStartObject("query");
        w.WriteString("search", q.Search);
        w.WriteString("search_mode", q.SearchMode.ToString().ToLowerInvariant());
        w.WriteStartArray("filters");
        foreach (var f in q.Filters)
        {
            w.WriteStartObject();
            w.WriteString("column", f.Column);
            w.WriteString("op", f.Op.ToString().ToLowerInvariant());
            w.WriteString("value", f.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("sort", q.Sort);
        w.WriteBoolean("sort_desc", q.SortDescending);
        w.WriteNumber("size", q.Size);
        w.WriteString("where", q.Where);
        w.WriteStartObject("column_searches");
        foreach (var c in q.ColumnSearches)
            w.WriteString(c.Column, c.Text);
        w.WriteEndObject();
        w.WriteNumber("facet_size", request.FacetSize);
        w.WriteEndObject();

        var facetBase = r.FacetBase();
        w.WriteStartObject("facets");
        foreach (var facet in r.Facets)
        {
            // Value facets are keyed by column (as before); array and date facets by "column (kind)" as well, so
            // _facet=x&_facet_array=x can both be shown.
            w.WriteStartObject(facet.Kind == FacetKind.Value ? facet.Column : $"{facet.Column} ({facet.Kind.ToString().ToLowerInvariant()})");
            w.WriteString("name", facet.Column);
            w.WriteString("type", facet.Kind switch { FacetKind.Array => "array", FacetKind.Date => "date", _ => "column" });
            w.WriteBoolean("truncated", facet.Result.Truncated);
            if (facet.Result.Truncated)
                w.WriteString("more_url", origin + Links.Table(r.Database, r.Table.Name, OutputFormat.Json, FacetLinks.More(facetBase, request)));
            w.WriteStartArray("values");
            foreach (var v in facet.Result.Values)
            {
                bool selected = FacetLinks.IsSelected(request, facet.Column, v.Value, facet.Kind);
                w.WriteStartObject();
                w.WritePropertyName("value");
                JsonValues.Write(w, v.Value);
                w.WriteNumber("count", v.Count);
                if (facet.LabelOf(v.Value) is { } label)
                    w.WriteString("label", label);
                if (facet.Result.SumColumn is not null)
                {
                    if (v.Sum is long sum)
                        w.WriteNumber("tokens", sum);
                    else
                        w.WriteNull("tokens");
                }
                w.WriteBoolean("selected", selected);
                w.WriteString("toggle_url", origin + Links.Table(r.Database, r.Table.Name, OutputFormat.Json, FacetLinks.Toggle(facetBase, facet.Column, v.Value, selected, facet.Kind)));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WriteStartArray("suggested_facets");
        foreach (var s in r.SuggestedFacets)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Column);
            w.WriteString("type", s.Kind switch { FacetKind.Array => "array", FacetKind.Date => "date", _ => "column" });
            w.WriteString("toggle_url", origin + Links.Table(r.Database, r.Table.Name, OutputFormat.Json, facetBase.WithDistinct(FacetRequest.ParameterOf(s.Kind), s.Column)));
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("histograms");
        foreach (var h in r.Histograms)
        {
            w.WriteStartObject(h.Column);
            WriteNullable(w, "min", h.Min);
            WriteNullable(w, "max", h.Max);
            w.WriteNumber("null_count", h.NullCount);
            w.WriteStartArray("bins");
            foreach (var b in h.Bins)
            {
                w.WriteStartObject();
                JsonNumber(w, "low", b.Low);
                JsonNumber(w, "high", b.High);
                w.WriteNumber("count", b.Count);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();

        WriteNames(w, "facets_timed_out", r.FacetsTimedOut);
        WriteNames(w, "histograms_timed_out", r.HistogramsTimedOut);
        w.WriteNumber("elapsed_ms", Math.Round(r.ElapsedMs, 2));
        w.WriteEndObject();
    }

    private static void WriteNames(Utf8JsonWriter w, string name, IReadOnlyList<string> names)
    {
        w.WriteStartArray(name);
        foreach (string n in names)
            w.WriteStringValue(n);
        w.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, double? value)
    {
        w.WritePropertyName(name);
        JsonValues.Write(w, value);
    }

    private static void JsonNumber(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        JsonValues.Write(w, value);
    }

    /// <summary>"http://host:port" of the request, for absolute next_url/toggle_url (https with force_https_urls).</summary>
    public static string Origin(Microsoft.AspNetCore.Http.HttpRequest request, bool forceHttps = false) => $"{(forceHttps ? "https" : request.Scheme)}://{request.Host}";

}
