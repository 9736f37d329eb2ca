using System.Globalization;
using System.Text;
using Trawl.Server.Charts;
using Trawl.Server.Rendering;
using Trawl.Server.Requests;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Server.Views;

/// <summary>The table page: search, filters, facets with their charts, histograms, the rows and the next-page link.</summary>
internal static class TableView
{
    /// <summary>Text longer than this is cut in table cells; the row page shows it whole.</summary>
    public const int MaxCellText = 280;

    public static string Render(TableResult r)
    {
        var table = r.Table;
        var request = r.Request;
        var p = request.Params;
        var sb = new StringBuilder(32 * 1024);

        var about = r.Metadata;
        sb.Append("<h1>").AppendEncoded(about?.Title ?? table.Name).Append("</h1>");
        if (about is not null)
        {
            AboutLine.Append(sb, about.Description, about.License, about.LicenseUrl, about.Source, about.SourceUrl);
            AppendColumnDescriptions(sb, table, about);
        }
        AppendSummary(sb, r);
        AppendSearch(sb, r);
        MeaningForms.Append(sb, r.Database, table, r.Meaning, null, MeaningForms.Carried(p, table));
        AppendActiveFilters(sb, r);
        AppendAddFilter(sb, r);
        AppendSuggestions(sb, r);
        if (r.Facets.Count > 0 || r.Histograms.Count > 0 || r.FacetsTimedOut.Count > 0 || r.HistogramsTimedOut.Count > 0)
        {
            sb.Append("<div class=\"facets\">");
            AppendFacets(sb, r);
            AppendHistograms(sb, r);
            foreach (string column in r.FacetsTimedOut.Concat(r.HistogramsTimedOut))
            {
                sb.Append("<section class=\"facet timed-out\"><h3><span>").AppendEncoded(column).Append("</span></h3><p class=\"truncated\">took longer than ")
                  .Append(r.TimeLimitMs.ToString("0", CultureInfo.InvariantCulture)).Append(" ms; narrow the search to see it</p></section>");
            }
            sb.Append("</div>");
        }

        var page = r.Page;
        if (page.Rows.Count == 0)
        {
            sb.Append("<p class=\"notice\">No rows match.</p>");
        }
        else
        {
            var cells = new CellRenderer(page.Columns, table, r.TruncateCells == 0 ? int.MaxValue : r.TruncateCells) { Local = LocalThumbnails.For(r.Database, table, page.Columns) };
            cells.Link(r.Database, r.Linked);
            sb.Append("<div class=\"table-wrap\"><table class=\"rows\"><thead><tr>");
            foreach (string column in page.Columns)
                AppendHeader(sb, r, column);
            sb.Append("</tr></thead><tbody>");
            int rowidColumn = IndexOf(page.Columns, "rowid");
            // "similar" links carry the search and filters, so the row page's neighbours come from the same rows.
            var similarQuery = new QueryParams(p.Pairs.Where(kv => !kv.Key.StartsWith('_') || kv.Key is "_search" or "_searchmode")).ToString();
            foreach (var row in page.Rows)
            {
                sb.Append("<tr>");
                for (int c = 0; c < page.Columns.Count && c < row.Length; c++)
                {
                    if (c == rowidColumn && row[c] is long rowid)
                    {
                        sb.Append("<td class=\"num rowid\"><a href=\"").AppendEncoded(Links.Row(r.Database, table.Name, rowid)).Append("\">").Append(rowid).Append("</a>");
                        if (r.HasVectors)
                            sb.Append(" <a class=\"similar-link\" href=\"").AppendEncoded(Links.Row(r.Database, table.Name, rowid) + similarQuery).Append("#similar\">similar</a>");
                        sb.Append("</td>");
                    }
                    else if (SnippetFor(r, row, page.Columns[c], rowidColumn) is { } snippet)
                        sb.Append("<td class=\"snippet\">").Append(Highlight(snippet)).Append("</td>");
                    else
                        cells.AppendCell(sb, row, c);
                }
                sb.Append("</tr>");
            }
            sb.Append("</tbody></table></div>");
        }

        sb.Append("<nav class=\"pager\">");
        if (request.Query.Next is not null)
            sb.Append("<a class=\"first\" href=\"").AppendEncoded(Links.Table(r.Database, table.Name, OutputFormat.Html, p.Without("_next"))).Append("\">« First page</a>");
        if (page.Next is not null)
            sb.Append("<a class=\"next\" rel=\"next\" href=\"").AppendEncoded(Links.Table(r.Database, table.Name, OutputFormat.Html, p.Set("_next", page.Next))).Append("\">Next page »</a>");
        sb.Append("</nav>");

        return PageLayout.Render(table.Name, [new Crumb(r.Database, Links.Dataset(r.Database)), new Crumb(table.Name, null)], sb.ToString());
    }

    /// <summary>The metadata's column descriptions, as Datasette lists them under the table's description.</summary>
    private static void AppendColumnDescriptions(StringBuilder sb, TableInfo table, Metadata.TableMetadata about)
    {
        if (about.Columns.Count == 0)
            return;
        sb.Append("<dl class=\"column-descriptions\">");
        foreach (var (column, description) in about.Columns)
            sb.Append("<dt>").AppendEncoded(table.FindColumn(column)?.Name ?? column).Append("</dt><dd>").AppendEncoded(description).Append("</dd>");
        sb.Append("</dl>");
    }

    /// <summary>The search excerpt for this cell when the page searches and the column is a search column.</summary>
    private static string? SnippetFor(TableResult r, object?[] row, string column, int rowidColumn)
    {
        if (r.Snippets.Count == 0 || rowidColumn < 0 || row[rowidColumn] is not long rowid || !r.Snippets.TryGetValue(rowid, out var texts))
            return null;
        for (int i = 0; i < r.Table.SearchColumns.Count && i < texts.Count; i++)
        {
            if (r.Table.SearchColumns[i].Equals(column, StringComparison.OrdinalIgnoreCase))
                return texts[i];
        }
        return null;
    }

    /// <summary>The excerpt HTML-encoded, with only the store's match markers turned into &lt;mark&gt; (unpaired
    /// markers, say from the data itself, are closed or dropped so the markup stays balanced).</summary>
    internal static string Highlight(string snippet)
    {
        var sb = new StringBuilder(snippet.Length + 32);
        bool open = false;
        int start = 0;
        for (int i = 0; i <= snippet.Length; i++)
        {
            char c = i < snippet.Length ? snippet[i] : '\0';
            if (i < snippet.Length && c != Snippets.MatchStart && c != Snippets.MatchEnd)
                continue;
            sb.AppendEncoded(snippet[start..i]);
            start = i + 1;
            if (c == Snippets.MatchStart && !open)
            {
                sb.Append("<mark>");
                open = true;
            }
            else if (c == Snippets.MatchEnd && open)
            {
                sb.Append("</mark>");
                open = false;
            }
        }
        if (open)
            sb.Append("</mark>");
        return sb.ToString();
    }

    private static void AppendSummary(StringBuilder sb, TableResult r)
    {
        var p = r.Request.Params;
        sb.Append("<p class=\"meta\">");
        if (r.CountTimedOut)
        {
            sb.Append("<strong class=\"row-count\">many</strong> rows <span class=\"truncated\">(counting took longer than ")
              .Append(r.TimeLimitMs.ToString("0", CultureInfo.InvariantCulture)).Append(" ms)</span>");
        }
        else if (r.Page.Count is long count)
        {
            sb.Append("<strong class=\"row-count\">").Append(count.ToString("N0", CultureInfo.InvariantCulture)).Append("</strong> ")
              .Append(count == 1 ? "row" : "rows");
            if (r.Request.HasSearchOrFilters)
                sb.Append(" of ").Append(r.Table.RowCount.ToString("N0", CultureInfo.InvariantCulture));
        }
        if (r.Tokens is long tokens)
            sb.Append("<span class=\"sep\">·</span><strong class=\"token-count\">").Append(tokens.ToString("N0", CultureInfo.InvariantCulture))
              .Append("</strong> tokens <span class=\"token-column\">(sum of ").AppendEncoded(r.TokenColumn!).Append(")</span>");
        if (r.Page.Ordering == PageOrdering.Relevance)
            sb.Append("<span class=\"sep\">·</span><span class=\"ordering\">most relevant first</span>");
        else if (r.Page.Ordering == PageOrdering.RowIdUnranked)
            sb.Append("<span class=\"sep\">·</span><span class=\"ordering\">in row order: searches with more than ")
              .Append(r.Page.RankLimit.ToString("N0", CultureInfo.InvariantCulture)).Append(" matches are not ranked by relevance</span>");
        sb.Append("<span class=\"sep\">·</span>").Append(r.ElapsedMs.ToString("0.#", CultureInfo.InvariantCulture)).Append(" ms");
        var exportParams = p.Without("_next");
        sb.Append("<span class=\"sep\">·</span><span class=\"exports\">")
          .Append("<a href=\"").AppendEncoded(Links.Table(r.Database, r.Table.Name, OutputFormat.Json, p)).Append("\">.json</a>")
          .Append("<a href=\"").AppendEncoded(Links.Table(r.Database, r.Table.Name, OutputFormat.Csv, exportParams.Set("_dl", "1"))).Append("\">.csv</a>")
          .Append("<a href=\"").AppendEncoded(Links.Table(r.Database, r.Table.Name, OutputFormat.JsonLines, exportParams.Set("_dl", "1"))).Append("\">.jsonl</a>")
          .Append(r.AllowSql ? "<a class=\"sql-link\" href=\"" + Html.Encode(Links.Query(r.Database, OutputFormat.Html, r.Sql ?? $"select * from \"{r.Table.Name.Replace("\"", "\"\"")}\" limit 100")) + "\">SQL</a>" : "")
          .Append("</span></p>");
    }

    private static void AppendSearch(StringBuilder sb, TableResult r)
    {
        if (r.Table.SearchColumns.Count == 0)
            return;
        var q = r.Request.Query;
        sb.Append("<form class=\"search\" method=\"get\" action=\"").AppendEncoded(Links.Table(r.Database, r.Table.Name)).Append("\">")
          .Append("<input type=\"search\" name=\"_search\" aria-label=\"Search\" placeholder=\"Search ")
          .AppendEncoded(string.Join(", ", r.Table.SearchColumns)).Append("\" value=\"").AppendEncoded(q.Search).Append("\">");
        AppendHidden(sb, r.Request.Params.Without("_search", "_searchmode", "_next"));
        sb.Append("<label class=\"inline\"><input type=\"checkbox\" name=\"_searchmode\" value=\"raw\"")
          .Append(q.SearchMode == SearchMode.Raw ? " checked" : "").Append("> FTS syntax</label>")
          .Append("<button type=\"submit\">Search</button></form>");
    }

    private static void AppendActiveFilters(StringBuilder sb, TableResult r)
    {
        var q = r.Request.Query;
        var p = r.Request.Params.Without("_next");
        if (string.IsNullOrEmpty(q.Search) && q.Filters.Count == 0 && q.Sort is null && q.Where is null && q.ColumnSearches.Count == 0)
            return;
        sb.Append("<div class=\"chips\">");
        if (!string.IsNullOrEmpty(q.Search))
        {
            sb.Append("<span class=\"chip\"><span class=\"op\">search</span> ").AppendEncoded(q.Search)
              .Append(q.SearchMode == SearchMode.Raw ? " <span class=\"op\">(FTS syntax)</span>" : "");
            AppendRemove(sb, r, p.Without("_search", "_searchmode"), "Remove the search");
            sb.Append("</span>");
        }
        // Filters come from the non-underscore pairs in order, so the i-th filter is the i-th such pair.
        int index = 0;
        foreach (var f in q.Filters)
        {
            int mine = index++;
            int seen = 0;
            var without = new QueryParams(p.Pairs.Where(pair => pair.Key.StartsWith('_') || seen++ != mine));
            sb.Append("<span class=\"chip filter\">").AppendEncoded(f.Column).Append(" <span class=\"op\">").AppendEncoded(OpLabel(f.Op)).Append("</span> ");
            if (f.Op is not (FilterOp.IsNull or FilterOp.NotNull or FilterOp.IsBlank or FilterOp.NotBlank))
                sb.AppendEncoded(f.Value);
            else
                sb.Append(f.Value is "1" or "true" or "" ? "yes" : "no");
            AppendRemove(sb, r, without, "Remove this filter");
            sb.Append("</span>");
        }
        foreach (var c in q.ColumnSearches)
        {
            sb.Append("<span class=\"chip\"><span class=\"op\">search ").AppendEncoded(c.Column).Append("</span> ").AppendEncoded(c.Text);
            AppendRemove(sb, r, p.Without("_search_" + c.Column), "Remove this search");
            sb.Append("</span>");
        }
        if (q.Where is not null)
        {
            sb.Append("<span class=\"chip where\"><span class=\"op\">where</span> ").AppendEncoded(string.Join(" AND ", r.Request.Params.GetAll("_where")));
            AppendRemove(sb, r, p.Without("_where"), "Remove the where clause");
            sb.Append("</span>");
        }
        if (q.Sort is not null)
        {
            sb.Append("<span class=\"chip\"><span class=\"op\">sorted by</span> ").AppendEncoded(q.Sort).Append(q.SortDescending ? " ↓" : " ↑");
            if (r.Request.SortIsDefault)
                sb.Append(" <span class=\"op\">(the table's default)</span>");
            else
                AppendRemove(sb, r, p.Without("_sort", "_sort_desc"), "Remove the sort");
            sb.Append("</span>");
        }
        sb.Append("</div>");
    }

    private static void AppendRemove(StringBuilder sb, TableResult r, QueryParams target, string label) =>
        sb.Append("<a class=\"remove\" href=\"").AppendEncoded(Links.Table(r.Database, r.Table.Name, OutputFormat.Html, target))
          .Append("\" title=\"").Append(label).Append("\" aria-label=\"").Append(label).Append("\">×</a>");

    private static void AppendAddFilter(StringBuilder sb, TableResult r)
    {
        sb.Append("<details class=\"add-filter\"><summary>Add a filter</summary><form method=\"get\" action=\"")
          .AppendEncoded(Links.Table(r.Database, r.Table.Name)).Append("\">");
        AppendHidden(sb, r.Request.Params.Without("_next"));
        sb.Append("<select name=\"_filter_column\" aria-label=\"Column\"><option value=\"rowid\">rowid</option>");
        foreach (var c in r.Table.Columns)
            sb.Append("<option value=\"").AppendEncoded(c.Name).Append("\">").AppendEncoded(c.Name).Append("</option>");
        sb.Append("</select><select name=\"_filter_op\" aria-label=\"Operator\">");
        foreach (string op in TableRequest.OpNames)
            sb.Append("<option value=\"").Append(op).Append("\">").Append(OpLabel(op)).Append("</option>");
        sb.Append("</select><input type=\"text\" name=\"_filter_value\" aria-label=\"Value\" placeholder=\"value\">")
          .Append("<button type=\"submit\">Apply</button></form></details>");
    }

    private static void AppendSuggestions(StringBuilder sb, TableResult r)
    {
        var baseParams = r.FacetBase();
        var numeric = r.Table.Columns
            .Where(c => c.SqlType.IsNumeric() && !r.Request.Histograms.Contains(c.Name))
            .Select(c => c.Name).ToList();
        if (r.SuggestedFacets.Count == 0 && numeric.Count == 0)
            return;
        sb.Append("<div class=\"suggest\">");
        if (r.SuggestedFacets.Count > 0)
        {
            sb.Append("Facet by: ");
            foreach (var f in r.SuggestedFacets)
            {
                sb.Append("<a class=\"suggested-facet\" data-kind=\"").Append(KindName(f.Kind)).Append("\" href=\"")
                  .AppendEncoded(Links.Table(r.Database, r.Table.Name, OutputFormat.Html, baseParams.WithDistinct(FacetRequest.ParameterOf(f.Kind), f.Column)))
                  .Append("\">").AppendEncoded(f.Column).Append(f.Kind == FacetKind.Value ? "" : $" ({KindName(f.Kind)})").Append("</a>");
            }
        }
        if (numeric.Count > 0)
        {
            sb.Append(r.SuggestedFacets.Count > 0 ? "<span class=\"sep\"> · </span>" : "").Append("Histogram of: ");
            foreach (string c in numeric)
                sb.Append("<a class=\"suggested-histogram\" href=\"").AppendEncoded(Links.Table(r.Database, r.Table.Name, OutputFormat.Html, r.Request.Params.Without("_next").WithDistinct("_histogram", c))).Append("\">").AppendEncoded(c).Append("</a>");
        }
        sb.Append("</div>");
    }

    private static void AppendFacets(StringBuilder sb, TableResult r)
    {
        var baseParams = r.FacetBase();
        foreach (var facet in r.Facets)
        {
            string parameter = FacetRequest.ParameterOf(facet.Kind);
            sb.Append("<section class=\"facet\" data-column=\"").AppendEncoded(facet.Column).Append("\" data-kind=\"").Append(KindName(facet.Kind))
              .Append("\"><h3><span>").AppendEncoded(facet.Column).Append(facet.Kind == FacetKind.Value ? "" : $" <span class=\"op\">({KindName(facet.Kind)})</span>").Append("</span>");
            if (!facet.Configured)
                sb.Append("<a class=\"remove\" href=\"").AppendEncoded(Links.Table(r.Database, r.Table.Name, OutputFormat.Html, baseParams.Without(parameter, facet.Column)))
                  .Append("\" title=\"Hide this facet\" aria-label=\"Hide this facet\">×</a>");
            sb.Append("</h3>");
            var bars = facet.Result.Values.Select(v =>
            {
                bool selected = FacetLinks.IsSelected(r.Request, facet.Column, v.Value, facet.Kind);
                var target = FacetLinks.Toggle(baseParams, facet.Column, v.Value, selected, facet.Kind);
                string label = v.Value is null ? "(null)" : facet.LabelOf(v.Value) is { } named ? $"{named} ({Html.Format(v.Value)})" : Html.Format(v.Value);
                return new Bar(label.Length == 0 ? "(empty)" : label, v.Count, Links.Table(r.Database, r.Table.Name, OutputFormat.Html, target), selected);
            }).ToList();
            sb.Append(BarChart.Render(bars, "Values of " + facet.Column));
            if (facet.Result.SumColumn is { } summed)
                AppendFacetSums(sb, facet, summed);
            if (facet.Result.Truncated)
            {
                sb.Append("<p class=\"truncated\">more values not shown");
                if (r.Request.FacetSize < TableRequest.MaxFacetSize)
                    sb.Append(" · <a class=\"facet-more\" href=\"").AppendEncoded(Links.Table(r.Database, r.Table.Name, OutputFormat.Html, FacetLinks.More(baseParams, r.Request)))
                      .Append("\">show up to ").Append(TableRequest.MaxFacetSize.ToString("N0", CultureInfo.InvariantCulture)).Append("</a>");
                sb.Append("</p>");
            }
            sb.Append("</section>");
        }
    }

    private static string KindName(FacetKind kind) => kind switch { FacetKind.Array => "array", FacetKind.Date => "date", _ => "value" };

    /// <summary>Rows and tokens per facet value, so "how many tokens of each source" is read off the page.</summary>
    private static void AppendFacetSums(StringBuilder sb, ShownFacet facet, string summed)
    {
        sb.Append("<table class=\"facet-sums\"><thead><tr><th>").AppendEncoded(facet.Column).Append("</th><th>rows</th><th>")
          .AppendEncoded(summed).Append("</th></tr></thead><tbody>");
        foreach (var v in facet.Result.Values)
        {
            string label = v.Value is null ? "(null)" : Html.Format(v.Value);
            sb.Append("<tr><td>").AppendEncoded(label.Length == 0 ? "(empty)" : label).Append("</td><td>")
              .Append(v.Count.ToString("N0", CultureInfo.InvariantCulture)).Append("</td><td>")
              .Append(v.Sum?.ToString("N0", CultureInfo.InvariantCulture) ?? "").Append("</td></tr>");
        }
        sb.Append("</tbody></table>");
    }

    private static void AppendHistograms(StringBuilder sb, TableResult r)
    {
        foreach (var h in r.Histograms)
        {
            sb.Append("<section class=\"facet histogram-box\"><h3><span>").AppendEncoded(h.Column).Append("</span>")
              .Append("<a class=\"remove\" href=\"").AppendEncoded(Links.Table(r.Database, r.Table.Name, OutputFormat.Html, r.Request.Params.Without("_next").Without("_histogram", h.Column)))
              .Append("\" title=\"Hide\" aria-label=\"Hide this histogram\">×</a></h3>")
              .Append(HistogramChart.Render(h));
            if (h.NullCount > 0)
                sb.Append("<p class=\"truncated\">").Append(h.NullCount.ToString("N0", CultureInfo.InvariantCulture)).Append(" null</p>");
            sb.Append("</section>");
        }
    }

    private static void AppendHeader(StringBuilder sb, TableResult r, string column)
    {
        var q = r.Request.Query;
        bool sorted = string.Equals(q.Sort, column, StringComparison.OrdinalIgnoreCase);
        var p = r.Request.Params.Without("_sort", "_sort_desc", "_next");
        var target = sorted && !q.SortDescending ? p.With("_sort_desc", column) : p.With("_sort", column);
        string arrow = sorted ? (q.SortDescending ? " ↓" : " ↑") : "";
        var role = r.Table.FindColumn(column)?.Role ?? ColumnRole.None;
        bool numeric = column.Equals("rowid", StringComparison.OrdinalIgnoreCase) || r.Table.FindColumn(column)?.SqlType.IsNumeric() == true;
        string cls = (sorted ? "sorted " : "") + (numeric ? "num" : "");
        sb.Append("<th");
        if (cls.Trim().Length > 0)
            sb.Append(" class=\"").Append(cls.Trim()).Append('"');
        sb.Append(" scope=\"col\"");
        string? description = r.Metadata?.Columns.FirstOrDefault(c => c.Key.Equals(column, StringComparison.OrdinalIgnoreCase)).Value;
        if (description is not null)
            sb.Append(" title=\"").AppendEncoded(description).Append('"');
        else if (role != ColumnRole.None)
            sb.Append(" title=\"").Append(role.ToString().ToLowerInvariant()).Append('"');
        if (Sortable(r, column))
            sb.Append("><a href=\"").AppendEncoded(Links.Table(r.Database, r.Table.Name, OutputFormat.Html, target))
              .Append("\" title=\"Sort by ").AppendEncoded(column).Append("\">").AppendEncoded(column).Append(arrow).Append("</a>");
        else
            sb.Append("><span class=\"unsortable\">").AppendEncoded(column).Append(arrow).Append("</span>");
        AppendColumnMenu(sb, r, column);
        sb.Append("</th>");
    }

    private static bool Sortable(TableResult r, string column) =>
        r.Request.SortableColumns is not { } only || only.Contains(column, StringComparer.OrdinalIgnoreCase);

    /// <summary>Datasette's cog: sort either way, facet by the column (values, list elements, dates), hide it.</summary>
    private static void AppendColumnMenu(StringBuilder sb, TableResult r, string column)
    {
        var p = r.Request.Params.Without("_next");
        var facetBase = r.FacetBase();
        string Link(QueryParams q) => Links.Table(r.Database, r.Table.Name, OutputFormat.Html, q);
        sb.Append("<details class=\"col-menu\"><summary title=\"Column options\" aria-label=\"Options for ").AppendEncoded(column).Append("\">⚙</summary><ul>");
        var sortBase = p.Without("_sort", "_sort_desc");
        if (Sortable(r, column))
            sb.Append("<li><a data-action=\"sort\" href=\"").AppendEncoded(Link(sortBase.With("_sort", column))).Append("\">Sort ascending</a></li>")
              .Append("<li><a data-action=\"sort-desc\" href=\"").AppendEncoded(Link(sortBase.With("_sort_desc", column))).Append("\">Sort descending</a></li>");
        if (!column.Equals("rowid", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var kind in r.AllowFacet ? new[] { FacetKind.Value, FacetKind.Array, FacetKind.Date } : [])
            {
                string label = kind switch { FacetKind.Array => "Facet by list elements", FacetKind.Date => "Facet by date", _ => "Facet by this" };
                sb.Append("<li><a data-action=\"facet-").Append(KindName(kind)).Append("\" href=\"")
                  .AppendEncoded(Link(facetBase.WithDistinct(FacetRequest.ParameterOf(kind), column))).Append("\">").Append(label).Append("</a></li>");
            }
            sb.Append("<li><a data-action=\"hide\" href=\"").AppendEncoded(Link(p.Without("_col", column).WithDistinct("_nocol", column))).Append("\">Hide this column</a></li>");
        }
        sb.Append("</ul></details>");
    }

    private static void AppendHidden(StringBuilder sb, QueryParams p)
    {
        foreach (var (key, value) in p.Pairs)
            sb.Append("<input type=\"hidden\" name=\"").AppendEncoded(key).Append("\" value=\"").AppendEncoded(value).Append("\">");
    }

    private static string OpLabel(FilterOp op) => OpLabel(op.ToString().ToLowerInvariant());

    private static string OpLabel(string op) => op switch
    {
        "exact" => "=",
        "not" => "≠",
        "contains" => "contains",
        "startswith" => "starts with",
        "gt" => ">",
        "gte" => "≥",
        "lt" => "<",
        "lte" => "≤",
        "in" => "in",
        "isnull" => "is null",
        "notcontains" => "does not contain",
        "endswith" => "ends with",
        "notlike" => "not like",
        "notin" => "not in",
        "arraycontains" => "array contains",
        "arraynotcontains" => "array does not contain",
        "date" => "date is",
        "notnull" => "is not null",
        "isblank" => "is blank",
        "notblank" => "is not blank",
        _ => op,
    };

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return -1;
    }
}
