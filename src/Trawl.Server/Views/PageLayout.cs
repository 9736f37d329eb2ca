using System.Text;
using Trawl.Server.Rendering;

namespace Trawl.Server.Views;

/// <summary>The frame every page shares: head with the server's own CSS and JS, breadcrumbs, the page's body.</summary>
internal static class PageLayout
{
    public static string Render(string title, IReadOnlyList<Crumb> crumbs, string body)
    {
        var sb = new StringBuilder(body.Length + 1024);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
          .Append("<title>").AppendEncoded(title).Append(" · trawl</title>")
          .Append("<link rel=\"icon\" href=\"data:,\">")
          .Append("<link rel=\"stylesheet\" href=\"").AppendEncoded(Links.Root("/-/static/trawl.css")).Append("\">")
          .Append("<script src=\"").AppendEncoded(Links.Root("/-/static/trawl.js")).Append("\" defer></script>")
          .Append("</head><body><header class=\"top\"><nav class=\"crumbs\"><a class=\"brand\" href=\"").AppendEncoded(Links.Root()).Append("\">trawl</a>");
        foreach (var crumb in crumbs)
        {
            sb.Append("<span class=\"sep\">/</span>");
            if (crumb.Href is null)
                sb.Append("<span class=\"here\">").AppendEncoded(crumb.Label).Append("</span>");
            else
                sb.Append("<a href=\"").AppendEncoded(crumb.Href).Append("\">").AppendEncoded(crumb.Label).Append("</a>");
        }
        sb.Append("</nav></header><main>").Append(body).Append("</main></body></html>");
        return sb.ToString();
    }
}
