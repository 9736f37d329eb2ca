using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Trawl.Server.Hosting;
using Trawl.Server.Output;
using Trawl.Server.Rendering;
using Trawl.Server.Requests;
using Trawl.Server.Views;

using Trawl.Store.Contracts;
using Trawl.Store.Related;

namespace Trawl.Server.Endpoints;

/// <summary>/DB/TABLE/ROWID and .json: one row with every column, text in full.</summary>
internal sealed class RowEndpoint(ServerState state)
{
    public Task Handle(HttpContext context, string db, string tableName, string rowSegment)
    {
        var dataset = state.Catalog.Get(db);
        var table = DatasetCatalog.GetTable(dataset, tableName);
        var (idText, format) = OutputFormats.Split(rowSegment);
        if (format is OutputFormat.Csv or OutputFormat.JsonLines
            || !long.TryParse(idText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long rowid))
            throw new NotFoundException($"'{rowSegment}' is not a row id (rows are addressed by their integer rowid)");
        var row = dataset.GetRow(table.Name, rowid) ?? throw new NotFoundException($"table '{table.Name}' has no row {rowid}");
        var (columns, values) = row;
        var duplicates = NearDuplicates.Find(dataset, table, columns, values, rowid);
        var incoming = IncomingLinks(dataset, table.Name, columns, values, context.RequestAborted);

        if (format == OutputFormat.Json)
        {
            return Responses.Json(context, w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("ok", true);
                w.WriteString("database", dataset.Name);
                w.WriteString("table", table.Name);
                w.WriteNumber("rowid", rowid);
                w.WriteStartArray("columns");
                foreach (string c in columns)
                    w.WriteStringValue(c);
                w.WriteEndArray();
                w.WritePropertyName("row");
                JsonValues.WriteRow(w, columns, values, asArray: false);
                w.WriteStartArray("foreign_key_tables");
                foreach (var link in incoming)
                {
                    w.WriteStartObject();
                    w.WriteString("other_table", link.Key.Table);
                    w.WriteString("other_column", link.Key.Column);
                    w.WriteString("column", link.Key.OtherColumn);
                    w.WritePropertyName("value");
                    JsonValues.Write(w, link.Value);
                    if (link.Count is long n)
                        w.WriteNumber("count", n);
                    else
                        w.WriteNull("count");
                    w.WriteString("link", Links.Table(dataset.Name, link.Key.Table, OutputFormat.Html, LinkQuery(link)));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                if (duplicates is { } d)
                {
                    w.WriteStartArray("near_duplicates");
                    foreach (var (id, _) in d.Rows) w.WriteNumberValue(id);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            });
        }

        var cells = new CellRenderer(columns, table, int.MaxValue) { Local = LocalThumbnails.For(dataset.Name, table, columns) };
        cells.Link(dataset.Name, ForeignKeyLabels.Resolve(state, dataset, table.Name, columns, [values], _ => true, state.Options.SqlTimeLimit));
        var sb = new StringBuilder();
        sb.Append("<h1>").AppendEncoded(table.Name).Append(" · row ").Append(rowid).Append("</h1><p class=\"meta\">")
          .Append("<a href=\"").AppendEncoded(Links.Table(dataset.Name, table.Name)).Append("\">all rows</a><span class=\"sep\">·</span>")
          .Append("<a href=\"").AppendEncoded(Links.Row(dataset.Name, table.Name, rowid, OutputFormat.Json)).Append("\">.json</a></p>")
          .Append("<table class=\"row-detail\"><tbody>");
        // Attribute spans (joined with --attributes-of) are shown inside the text they point into.
        var spans = table.SearchColumns.Count > 0 ? dataset.GetSpans(table.Name, rowid) : [];
        for (int i = 0; i < columns.Count && i < values.Length; i++)
        {
            sb.Append("<tr><th scope=\"row\">").AppendEncoded(columns[i]).Append("</th><td class=\"").Append(CellRenderer.CellClass(values[i])).Append("\">");
            if (spans.Count > 0 && values[i] is string text && columns[i].Equals(table.SearchColumns[0], StringComparison.OrdinalIgnoreCase))
                SpanHighlighter.Append(sb, text, spans);
            else
                cells.AppendValue(sb, values, i);
            sb.Append("</td></tr>");
        }
        sb.Append("</tbody></table>");
        AppendIncoming(sb, dataset.Name, incoming);
        if (duplicates is { } found)
            NearDuplicates.Append(sb, dataset.Name, table.Name, found);
        AppendSimilar(sb, dataset, table, rowid, QueryParams.Parse(context.Request.QueryString.Value));
        return Responses.Html(context, PageLayout.Render($"{table.Name} {rowid}",
            [new Crumb(dataset.Name, Links.Dataset(dataset.Name)), new Crumb(table.Name, Links.Table(dataset.Name, table.Name)), new Crumb(rowid.ToString(CultureInfo.InvariantCulture), null)],
            sb.ToString()));
    }

    /// <summary>Rows of other tables that point at this one, counted under the SQL time limit.</summary>
    private IReadOnlyList<IncomingLink> IncomingLinks(IDatasetSource dataset, string table, IReadOnlyList<string> columns, object?[] values, CancellationToken cancel)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        limit.CancelAfter(state.Options.SqlTimeLimit);
        return KeyLinks.To(dataset, table, columns, values, limit.Token);
    }

    private static QueryParams LinkQuery(IncomingLink link) => QueryParams.Empty.With(link.Key.Column, KeyLinks.Text(link.Value));

    /// <summary>Datasette's "Links from other tables": N rows from COLUMN in TABLE, each a link to those rows.</summary>
    private static void AppendIncoming(StringBuilder sb, string db, IReadOnlyList<IncomingLink> incoming)
    {
        if (incoming.Count == 0)
            return;
        sb.Append("<section class=\"links-from\"><h2>Links from other tables</h2><ul>");
        foreach (var link in incoming)
        {
            sb.Append("<li>");
            string what = link.Count switch
            {
                null => "rows (not counted in time)",
                1 => "1 row",
                long n => n.ToString("N0", CultureInfo.InvariantCulture) + " rows",
            };
            if (link.Count == 0)
                sb.Append(what);
            else
                sb.Append("<a href=\"").AppendEncoded(Links.Table(db, link.Key.Table, OutputFormat.Html, LinkQuery(link))).Append("\">").Append(what).Append("</a>");
            sb.Append(" from <code>").AppendEncoded(link.Key.Column).Append("</code> in <code>").AppendEncoded(link.Key.Table).Append("</code></li>");
        }
        sb.Append("</ul></section>");
    }

    /// <summary>The row's nearest neighbours in each vector set of its table, among the rows the query string's search
    /// and filters match (the table page's "similar" links pass them on); a set that cannot be searched says why in its place.</summary>
    private static void AppendSimilar(StringBuilder sb, IDatasetSource dataset, Store.Datasets.TableInfo table, long rowid, QueryParams query)
    {
        var sets = dataset.ListVectorSets().Where(s => s.Table.Equals(table.Name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (sets.Count == 0)
            return;
        var filter = TableRequest.Parse(query, table);
        sb.Append("<div id=\"similar\">");
        if (filter.HasSearchOrFilters)
        {
            sb.Append("<p class=\"meta\">Similar rows among those matching ");
            if (!string.IsNullOrEmpty(filter.Query.Search))
                sb.Append("the search <strong>").AppendEncoded(filter.Query.Search).Append("</strong> ");
            foreach (var f in filter.Query.Filters)
                sb.Append("<span class=\"chip\">").AppendEncoded(f.Key).Append(" = ").AppendEncoded(f.Value).Append("</span> ");
            sb.Append("· <a href=\"").AppendEncoded(Links.Row(dataset.Name, table.Name, rowid)).Append("#similar\">among all rows</a></p>");
        }
        foreach (var set in sets)
        {
            try
            {
                var result = dataset.Knn(new Store.VectorSets.KnnQuery { VectorSet = set.Name, Row = rowid, K = KnnGrid.RowPageK, Filter = filter.Query });
                KnnGrid.Append(sb, dataset.Name, table, set, result, null);
            }
            catch (Store.UserErrorException e)
            {
                KnnGrid.Append(sb, dataset.Name, table, set, null, e.Message);
            }
        }
        sb.Append("</div>");
    }
}
