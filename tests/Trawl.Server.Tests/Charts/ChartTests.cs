using System.Xml.Linq;
using Trawl.Server.Charts;
using Trawl.Store.Queries;

namespace Trawl.Server.Tests.Charts;

public sealed class ChartTests
{
    [Fact]
    public void Bar_chart_encodes_labels_and_links()
    {
        string svg = BarChart.Render(
            [new Bar("<script>alert(1)</script>", 10, "/db/t?x=1&y=2"), new Bar("a\"b", 5, null, Selected: true)],
            "Values of <col>");
        Assert.DoesNotContain("<script", svg);
        Assert.Contains("&lt;script&gt;", svg);
        Assert.Contains("href=\"/db/t?x=1&amp;y=2\"", svg);
        Assert.Contains("a&quot;b", svg);
        Assert.Contains("class=\"bar selected\"", svg);
        // The chart is well-formed XML once HTML's named entities are XML's.
        XDocument.Parse(svg.Replace("&#39;", "&apos;"));
    }

    [Fact]
    public void Bar_widths_follow_the_counts()
    {
        string svg = BarChart.Render([new Bar("a", 100, null), new Bar("b", 50, null)], "t");
        var widths = XDocument.Parse(svg).Descendants().Where(e => (string?)e.Attribute("class") == "bar")
            .Select(e => double.Parse((string)e.Attribute("width")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, widths.Count);
        Assert.Equal(widths[0] / 2, widths[1], 1);
    }

    [Fact]
    public void Long_labels_are_shortened_with_the_full_label_in_the_tooltip()
    {
        string label = new string('w', 60);
        string svg = BarChart.Render([new Bar(label, 1, null)], "t");
        Assert.Contains("<title>" + label + ": 1</title>", svg);
        Assert.Contains(BarChart.Shorten(label) + "</text>", svg);
        Assert.True(BarChart.Shorten(label).Length < label.Length);
    }

    [Fact]
    public void Histogram_has_a_bar_per_bin_and_encodes_the_column()
    {
        var h = new Histogram("<x>", [new HistogramBin(0, 1, 3), new HistogramBin(1, 2, 0), new HistogramBin(2, 3, 6)], 0, 3, 1);
        string svg = HistogramChart.Render(h);
        Assert.DoesNotContain("<x>", svg);
        var bars = XDocument.Parse(svg).Descendants().Where(e => (string?)e.Attribute("class") == "bar").ToList();
        Assert.Equal(3, bars.Count);
        Assert.Equal("0", (string?)bars[1].Attribute("height"));
    }

    [Fact]
    public void Empty_histogram_says_so()
    {
        string svg = HistogramChart.Render(new Histogram("x", [], null, null, 5));
        Assert.Contains("no numeric values", svg);
    }
}
