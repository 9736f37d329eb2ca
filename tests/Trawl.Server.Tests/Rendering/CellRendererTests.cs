using System.Text;
using Trawl.Server.Rendering;
using Trawl.Store.Datasets;

namespace Trawl.Server.Tests.Rendering;

public sealed class CellRendererTests
{
    private static readonly string[] CaptionColumns = ["rowid", "url", "caption", "width", "score", "a__b"];

    private static string Render(TableInfo? table, string[] columns, object?[] row, int column, int max = 280)
    {
        var sb = new StringBuilder();
        new CellRenderer(columns, table, max).AppendCell(sb, row, column);
        return sb.ToString();
    }

    [Fact]
    public void Script_in_a_caption_is_shown_as_text()
    {
        string html = Render(TestTables.Captions, CaptionColumns, [1L, null, "<script>alert(1)</script>", 1L, 0.5, null], 2);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
    }

    [Theory]
    [InlineData("\" onmouseover=\"alert(1)")]
    [InlineData("' onerror='alert(1)")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("&amp;<b>bold</b>")]
    public void Hostile_text_never_reaches_the_page_unencoded(string value)
    {
        string html = Render(null, ["c"], [value], 0);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("<b>", html);
        Assert.DoesNotContain("\" on", html);
        Assert.DoesNotContain("' on", html);
        Assert.Equal(System.Net.WebUtility.HtmlEncode(value), html[(html.IndexOf('>') + 1)..html.LastIndexOf("</td>", StringComparison.Ordinal)]);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("JavaScript:alert(document.cookie)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("file:///etc/passwd")]
    [InlineData("vbscript:msgbox(1)")]
    [InlineData(" http://example.com/leading-space.jpg")]
    public void Non_http_urls_stay_text_even_in_an_image_column(string value)
    {
        string html = Render(TestTables.Captions, CaptionColumns, [1L, value, "c", 1L, 0.5, null], 1);
        Assert.DoesNotContain("<a", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("href", html);
    }

    [Fact]
    public void Image_role_url_becomes_a_lazy_thumbnail_link()
    {
        string html = Render(TestTables.Captions, CaptionColumns, [1L, "https://example.com/a?x=1&y=\"2\"", "c", 1L, 0.5, null], 1);
        Assert.Contains("<img loading=\"lazy\" src=\"https://example.com/a?x=1&amp;y=%222%22\" referrerpolicy=\"no-referrer\"", html);
        Assert.Contains("<a class=\"thumb\" href=\"https://example.com/a?x=1&amp;y=%222%22\"", html);
    }

    [Theory]
    [InlineData("http://example.com/cat.JPG")]
    [InlineData("https://example.com/p/cat.webp?w=200")]
    [InlineData("https://example.com/cat.png")]
    public void Image_extensions_make_thumbnails_without_a_role(string url)
    {
        string html = Render(null, ["c"], [url], 0);
        Assert.Contains("<img loading=\"lazy\"", html);
    }

    [Fact]
    public void Video_urls_become_players_that_preload_nothing()
    {
        string html = Render(null, ["c"], ["https://example.com/clip.mp4"], 0);
        Assert.Contains("<video preload=\"none\" controls src=\"https://example.com/clip.mp4\">", html);
    }

    [Fact]
    public void Other_http_urls_become_links()
    {
        string html = Render(null, ["c"], ["https://example.com/page?a=1&b=<2>"], 0);
        Assert.Contains("<a href=\"https://example.com/page?a=1&amp;b=%3C2%3E\"", html);
        Assert.Contains(">https://example.com/page?a=1&amp;b=&lt;2&gt;</a>", html);
    }

    [Fact]
    public void YouTube_role_renders_a_light_embed_with_the_rows_clip()
    {
        string[] columns = ["rowid", "ytid", "start_s", "end_s", "caption"];
        string html = Render(TestTables.MusicCaps, columns, [1L, "-0Gj8-vB1q4", 30L, 40L, "c"], 1);
        Assert.Contains("data-yt=\"-0Gj8-vB1q4\" data-start=\"30\" data-end=\"40\"", html);
        Assert.Contains("https://i.ytimg.com/vi/-0Gj8-vB1q4/hqdefault.jpg", html);
        Assert.Contains("<button type=\"button\" class=\"yt-play\"", html);
        Assert.DoesNotContain("<iframe", html);
        Assert.DoesNotContain("<script", html);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("abc\"defghij")]
    [InlineData("<script>x</s")]
    [InlineData("abcdefghijkl")]
    public void YouTube_role_with_an_invalid_id_is_plain_text(string id)
    {
        string[] columns = ["rowid", "ytid", "start_s", "end_s", "caption"];
        string html = Render(TestTables.MusicCaps, columns, [1L, id, 30L, 40L, "c"], 1);
        Assert.DoesNotContain("data-yt", html);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(id), html);
    }

    [Fact]
    public void YouTube_watch_url_in_any_column_becomes_an_embed()
    {
        string html = Render(null, ["c"], ["https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s"], 0);
        Assert.Contains("data-yt=\"dQw4w9WgXcQ\" data-start=\"42\"", html);
    }

    [Fact]
    public void Long_text_is_cut_in_cells_and_whole_on_row_pages()
    {
        string text = new string('x', 500) + "END";
        Assert.DoesNotContain("END", Render(null, ["c"], [text], 0, max: 280));
        Assert.Contains("…", Render(null, ["c"], [text], 0, max: 280));
        Assert.Contains("END", Render(null, ["c"], [text], 0, max: int.MaxValue));
    }

    [Fact]
    public void Cutting_text_never_splits_a_surrogate_pair()
    {
        string text = new string('x', 9) + "😀" + "tail";
        string html = Render(null, ["c"], [text], 0, max: 10);
        Assert.DoesNotContain('\uD83D', html.Replace("😀", ""));
    }

    [Fact]
    public void Numbers_are_right_aligned_and_nulls_marked()
    {
        Assert.Contains("class=\"num\"", Render(null, ["c"], [42L], 0));
        Assert.Contains("class=\"num\"", Render(null, ["c"], [0.25], 0));
        Assert.Contains(">0.25<", Render(null, ["c"], [0.25], 0));
        Assert.Contains("class=\"null\"", Render(null, ["c"], [null], 0));
        Assert.Contains("&lt;3 bytes&gt;", Render(null, ["c"], [new byte[3]], 0));
    }
}
