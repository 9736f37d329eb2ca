using System.Globalization;
using System.Text;
using Trawl.Server.Rendering;
using Trawl.Store.Queries;

namespace Trawl.Server.Charts;

/// <summary>A histogram as inline SVG: one column per bin, the range under it, each bin's range and count in a tooltip.</summary>
internal static class HistogramChart
{
    public const int Width = 320;
    private const int PlotHeight = 100;
    private const int AxisHeight = 18;

    public static string Render(Histogram histogram)
    {
        var bins = histogram.Bins;
        int height = PlotHeight + AxisHeight;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"histogram\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" role=\"img\" aria-label=\"")
          .AppendEncoded("Histogram of " + histogram.Column).Append("\">");
        if (bins.Count == 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"0\" y=\"{PlotHeight / 2}\">no numeric values</text></svg>");
            return sb.ToString();
        }
        long max = Math.Max(1, bins.Max(b => b.Count));
        double step = (double)Width / bins.Count;
        for (int i = 0; i < bins.Count; i++)
        {
            var bin = bins[i];
            double h = bin.Count == 0 ? 0 : Math.Max(1, PlotHeight * (double)bin.Count / max);
            double x = i * step;
            sb.Append("<g><title>").AppendEncoded($"{Number(bin.Low)} – {Number(bin.High)}: {bin.Count.ToString("N0", CultureInfo.InvariantCulture)}").Append("</title>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"row-bg\" x=\"{x:0.##}\" y=\"0\" width=\"{step:0.##}\" height=\"{PlotHeight}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{x + 1:0.##}\" y=\"{PlotHeight - h:0.##}\" width=\"{Math.Max(1, step - 2):0.##}\" height=\"{h:0.##}\"/></g>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"0\" y1=\"{PlotHeight + 0.5}\" x2=\"{Width}\" y2=\"{PlotHeight + 0.5}\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"0\" y=\"{height - 3}\">").AppendEncoded(Number(bins[0].Low)).Append("</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{Width}\" y=\"{height - 3}\" text-anchor=\"end\">").AppendEncoded(Number(bins[^1].High)).Append("</text>");
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string Number(double d) => Math.Abs(d) >= 1e6 || (d != 0 && Math.Abs(d) < 1e-3)
        ? d.ToString("0.###e0", CultureInfo.InvariantCulture)
        : d.ToString("0.###", CultureInfo.InvariantCulture);
}
