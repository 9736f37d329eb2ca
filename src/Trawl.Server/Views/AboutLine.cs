using System.Text;
using Trawl.Server.Rendering;

namespace Trawl.Server.Views;

/// <summary>The description, license and source of a site or database from its metadata, as Datasette shows them
/// under the title. Only http(s) URLs become links; everything is HTML-encoded.</summary>
internal static class AboutLine
{
    public static void Append(StringBuilder sb, string? description, string? license, string? licenseUrl, string? source, string? sourceUrl)
    {
        if (description is { Length: > 0 })
            sb.Append("<p class=\"description\">").AppendEncoded(description).Append("</p>");
        if (license is null && licenseUrl is null && source is null && sourceUrl is null)
            return;
        sb.Append("<p class=\"meta about\">");
        bool any = false;
        Link(sb, "Data license", license, licenseUrl, ref any);
        Link(sb, "Data source", source, sourceUrl, ref any);
        sb.Append("</p>");
    }

    private static void Link(StringBuilder sb, string label, string? text, string? url, ref bool any)
    {
        if (text is null && url is null)
            return;
        if (any)
            sb.Append("<span class=\"sep\">·</span>");
        any = true;
        sb.AppendEncoded(label).Append(": ");
        var uri = MediaUrl.TryParseHttp(url);
        if (uri is not null)
            sb.Append("<a href=\"").AppendEncoded(uri.AbsoluteUri).Append("\">").AppendEncoded(text ?? url).Append("</a>");
        else
            sb.AppendEncoded(text ?? url);
    }
}
