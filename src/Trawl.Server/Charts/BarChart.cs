using System.Globalization;
using System.Text;
using Trawl.Server.Rendering;

namespace Trawl.Server.Charts;

/// <summary>A horizontal bar chart as inline SVG, one row per value: label, bar, count. Each row can be a link,
/// so a facet's chart is also its list of values. Labels are encoded and shortened, the full label in a tooltip.</summary>
internal static class BarChart
{
    public const int Width = 320;
    private const int RowHeight = 22;
    private const int LabelWidth = 128;
    private const int CountWidth = 56;
    private const int MaxLabelChars = 20;

    public static string Render(IReadOnlyList<Bar> bars, string title)
    {
        int height = Math.Max(1, bars.Count) * RowHeight;
        long max = bars.Count == 0 ? 1 : Math.Max(1, bars.Max(b => b.Count));
        double barSpace = Width - LabelWidth - CountWidth - 8;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"bar-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" role=\"list\" aria-label=\"")
          .AppendEncoded(title).Append("\">");
        for (int i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            int y = i * RowHeight;
            double w = Math.Max(bar.Count > 0 ? 2 : 0, barSpace * bar.Count / max);
            string cls = bar.Selected ? "bar selected" : "bar";
            sb.Append("<g role=\"listitem\">");
            if (bar.Href is not null)
                sb.Append("<a href=\"").AppendEncoded(bar.Href).Append("\">");
            sb.Append("<title>").AppendEncoded(bar.Label).Append(": ").Append(bar.Count.ToString("N0", CultureInfo.InvariantCulture)).Append("</title>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"row-bg\" x=\"0\" y=\"{y}\" width=\"{Width}\" height=\"{RowHeight}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"0\" y=\"{y + 15}\">").AppendEncoded(Shorten(bar.Label)).Append("</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"{cls}\" x=\"{LabelWidth}\" y=\"{y + 4}\" width=\"{w:0.#}\" height=\"{RowHeight - 8}\" rx=\"2\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"count\" x=\"{Width}\" y=\"{y + 15}\" text-anchor=\"end\">{bar.Count:N0}</text>");
            if (bar.Href is not null)
                sb.Append("</a>");
            sb.Append("</g>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    internal static string Shorten(string label)
    {
        if (label.Length <= MaxLabelChars)
            return label;
        int cut = MaxLabelChars - 1;
        if (char.IsHighSurrogate(label[cut - 1]))
            cut--;
        return label[..cut] + "…";
    }
}
