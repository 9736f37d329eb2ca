using System.Text;
using Trawl.Server.Rendering;
using Trawl.Server.Requests;
using Trawl.Store.Datasets;

namespace Trawl.Server.Views;

/// <summary>The "by meaning" search box (text → CLIP text vector → the table's image vectors) and the image upload
/// (by image), shown on a table page and on the results page when the server has a CLIP model (serve --model).
/// Both carry the page's search and filters, so the neighbours come from the same rows.</summary>
internal static class MeaningForms
{
    /// <summary>What the server's model can do for a table with vectors.</summary>
    internal sealed record Abilities(bool ByText, bool ByImage)
    {
        public static Abilities None { get; } = new(false, false);
        public bool Any => ByText || ByImage;
    }

    public static void Append(StringBuilder sb, string database, TableInfo table, Abilities abilities, string? text, QueryParams carried)
    {
        if (!abilities.Any)
            return;
        string action = Html.Encode(Links.Meaning(database));
        sb.Append("<div class=\"meaning-search\">");
        if (abilities.ByText)
        {
            sb.Append("<form class=\"search meaning\" method=\"get\" action=\"").Append(action).Append("\">")
              .Append("<input type=\"search\" name=\"q\" aria-label=\"Search by meaning\" placeholder=\"Search by meaning, e.g. a cat on a red sofa\" value=\"")
              .AppendEncoded(text).Append("\" required>");
            AppendHidden(sb, carried.With("table", table.Name));
            sb.Append("<button type=\"submit\">By meaning</button></form>");
        }
        if (abilities.ByImage)
        {
            sb.Append("<form class=\"search by-image\" method=\"post\" enctype=\"multipart/form-data\" action=\"").Append(action)
              .AppendEncoded(carried.With("table", table.Name).ToString()).Append("\">")
              .Append("<label class=\"inline\">Similar to an image: <input type=\"file\" name=\"image\" accept=\"image/jpeg,image/png,image/webp,image/gif\" required></label>")
              .Append("<button type=\"submit\">By image</button></form>");
        }
        sb.Append("</div>");
    }

    /// <summary>The parameters of a table page that select rows (search and filters), without paging, sorting or facets.</summary>
    public static QueryParams Carried(QueryParams p, TableInfo table) => new(p.Pairs.Where(pair =>
        pair.Key is "_search" or "_searchmode" || pair.Key.Contains("__", StringComparison.Ordinal)
        || (!pair.Key.StartsWith('_') && table.FindColumn(pair.Key) is not null)));

    private static void AppendHidden(StringBuilder sb, QueryParams p)
    {
        foreach (var (key, value) in p.Pairs)
            sb.Append("<input type=\"hidden\" name=\"").AppendEncoded(key).Append("\" value=\"").AppendEncoded(value).Append("\">");
    }
}
