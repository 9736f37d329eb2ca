using System.Globalization;
using System.Text;
using Trawl.Server.Rendering;
using Trawl.Server.Requests;
using Trawl.Store.Datasets;
using Trawl.Store.VectorSets;

namespace Trawl.Server.Views;

/// <summary>The results of a search by meaning or by image: the forms again, what was searched, and the nearest rows as a thumbnail grid.</summary>
internal static class MeaningView
{
    public static string Render(string database, TableInfo table, VectorSetInfo set, KnnResult result, string? text, QueryParams carried, MeaningForms.Abilities abilities)
    {
        var sb = new StringBuilder(16 * 1024);
        sb.Append("<h1>").AppendEncoded(table.Name).Append("</h1>");
        MeaningForms.Append(sb, database, table, abilities, text, carried);
        sb.Append("<p class=\"summary meaning-summary\">").Append(result.Rows.Count.ToString(CultureInfo.InvariantCulture))
          .Append(" nearest rows to ");
        if (text is not null)
            sb.Append('“').AppendEncoded(text).Append('”');
        else
            sb.Append("the uploaded image");
        if (carried.Pairs.Count > 0)
            sb.Append(" among the rows of <a href=\"").AppendEncoded(Links.Table(database, table.Name, OutputFormat.Html, carried)).Append("\">this search</a>");
        sb.Append(" · ").Append(result.Elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)).Append(" ms")
          .Append(" · <a href=\"").AppendEncoded(Links.Table(database, table.Name)).Append("\">all rows</a></p>");
        KnnGrid.Append(sb, database, table, set, result, null, text is null ? "By image" : "By meaning");
        string title = text is null ? $"{table.Name}: by image" : $"{table.Name}: {text}";
        return PageLayout.Render(title, [new Crumb(database, Links.Dataset(database)), new Crumb(table.Name, Links.Table(database, table.Name)),
            new Crumb(text is null ? "by image" : "by meaning", null)], sb.ToString());
    }
}
