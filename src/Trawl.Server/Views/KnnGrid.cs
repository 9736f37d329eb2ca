using System.Globalization;
using System.Text;
using Trawl.Server.Rendering;
using Trawl.Store.Datasets;
using Trawl.Store.VectorSets;

namespace Trawl.Server.Views;

/// <summary>A row page's nearest neighbours in one vector set: thumbnails when the table has image URLs, text otherwise.</summary>
internal static class KnnGrid
{
    /// <summary>Neighbours shown on a row page per vector set.</summary>
    public const int RowPageK = 12;
    private const int MaxCaption = 160;

    public static void Append(StringBuilder sb, string database, TableInfo table, VectorSetInfo set, KnnResult? result, string? error, string heading = "Similar rows")
    {
        sb.Append("<section class=\"similar\"><h2>").AppendEncoded(heading).Append(" <span class=\"meta\">vector set ").AppendEncoded(set.Name)
          .Append(" · ").Append(set.Dimension.ToString(CultureInfo.InvariantCulture)).Append("-dim ").AppendEncoded(VectorElementTypeNames.Name(set.ElementType))
          .Append(" · ").AppendEncoded(VectorMetricNames.Name(set.Metric)).Append("</span></h2>");
        if (error is not null)
        {
            sb.Append("<p class=\"error-message\">").AppendEncoded(error).Append("</p></section>");
            return;
        }
        if (result is null || result.Rows.Count == 0)
        {
            sb.Append("<p class=\"notice\">No similar rows.</p></section>");
            return;
        }
        int image = IndexOfRole(table, result.Columns, ColumnRole.Image);
        int caption = IndexOfRole(table, result.Columns, ColumnRole.Caption);
        if (caption < 0 && table.SearchColumns.Count > 0)
            caption = IndexOf(result.Columns, table.SearchColumns[0]);
        var local = LocalThumbnails.For(database, table, result.Columns);
        sb.Append("<ul class=\"similar-grid\">");
        for (int i = 0; i < result.Rows.Count; i++)
        {
            var row = result.Rows[i];
            long rowid = (long)row[0]!;
            string link = Html.Encode(Links.Row(database, table.Name, rowid));
            // The caption is shown below the thumbnail, so the image itself needs no alt text.
            string? text = caption >= 0 ? Html.Format(row[caption]) : null;
            if (text is { Length: > MaxCaption })
                text = text[..MaxCaption] + "…";
            sb.Append("<li>");
            if (local?.Link(row) is { } localSrc)
            {
                sb.Append("<a class=\"thumb\" href=\"").Append(link).Append("\"><img loading=\"lazy\" src=\"").AppendEncoded(localSrc).Append("\" alt=\"\"></a>");
            }
            else if (image >= 0 && MediaUrl.TryParseHttp(row[image] as string) is { } uri)
            {
                sb.Append("<a class=\"thumb\" href=\"").Append(link).Append("\"><img loading=\"lazy\" src=\"").AppendEncoded(uri.AbsoluteUri)
                  .Append("\" referrerpolicy=\"no-referrer\" alt=\"\"></a>");
            }
            sb.Append("<p class=\"meta\"><a href=\"").Append(link).Append("\">row ").Append(rowid.ToString(CultureInfo.InvariantCulture))
              .Append("</a> · ").Append(result.Similarities[i].ToString("0.000", CultureInfo.InvariantCulture)).Append("</p>");
            if (text is not null)
                sb.Append("<p class=\"caption\">").AppendEncoded(text).Append("</p>");
            sb.Append("</li>");
        }
        sb.Append("</ul>");
        if (result.Dropped > 0)
            sb.Append("<p class=\"meta\">").Append(result.Dropped).Append(" near-duplicate(s) not shown</p>");
        sb.Append("</section>");
    }

    private static int IndexOfRole(TableInfo table, IReadOnlyList<string> columns, ColumnRole role)
    {
        var column = table.Columns.FirstOrDefault(c => c.Role == role);
        return column is null ? -1 : IndexOf(columns, column.Name);
    }

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            if (columns[i].Equals(name, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return -1;
    }
}
