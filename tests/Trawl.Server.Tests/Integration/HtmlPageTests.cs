using System.Net;
using System.Text.RegularExpressions;

namespace Trawl.Server.Tests.Integration;

public sealed partial class HtmlPageTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private HttpClient Client => server.Client;

    [GeneratedRegex("<a class=\"next\" rel=\"next\" href=\"([^\"]+)\"")]
    private static partial Regex NextLink();

    [Fact]
    public async Task Pages_send_a_strict_content_security_policy()
    {
        using var response = await Client.GetAsync("/sample/photos");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-src https://www.youtube-nocookie.com", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Hostile_caption_is_encoded_on_the_table_and_row_pages()
    {
        string table = await Client.GetStringAsync("/sample/photos?_size=10");
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", table);
        Assert.DoesNotContain("<script>alert(1)", table);
        string row = await Client.GetStringAsync("/sample/photos/2");
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", row);
        Assert.DoesNotContain("<script>alert(1)", row);
    }

    [Fact]
    public async Task Table_page_shows_search_count_filters_form_facets_and_export_links()
    {
        string html = await Client.GetStringAsync("/sample/photos");
        Assert.Contains("name=\"_search\"", html);
        Assert.Contains("name=\"_filter_column\"", html);
        Assert.Contains(">230</strong> rows", html);
        Assert.Contains("class=\"facet\"", html);
        Assert.Contains("class=\"bar-chart\"", html);
        Assert.Contains("/sample/photos.json", html);
        Assert.Contains("/sample/photos.csv?_dl=1", html);
        Assert.Contains("/sample/photos.jsonl?_dl=1", html);
        Assert.Contains("<img loading=\"lazy\"", html);
        Assert.Contains("class=\"num\"", html);
    }

    [Fact]
    public async Task Facet_links_add_an_exact_filter_and_keep_the_facet()
    {
        string html = await Client.GetStringAsync("/sample/photos");
        Assert.Contains("domain__exact=flickr.com", html);
        Assert.Matches("href=\"/sample/photos\\?[^\"]*_facet=domain&amp;[^\"]*domain__exact=flickr.com\"", html);
        string filtered = await Client.GetStringAsync("/sample/photos?_facet=domain&domain__exact=flickr.com");
        Assert.Contains("class=\"bar selected\"", filtered);
        Assert.Contains($">{server.Rows.Count(r => r.Domain == "flickr.com")}</strong> rows of 230", filtered);
    }

    [Fact]
    public async Task Filter_form_redirects_to_the_canonical_url()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = Client.BaseAddress };
        using var response = await client.GetAsync("/sample/photos?_filter_column=width&_filter_op=gte&_filter_value=300");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/sample/photos?width__gte=300", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Next_page_links_walk_every_row()
    {
        var seen = new HashSet<string>();
        string? url = "/sample/photos?_size=40";
        int pages = 0;
        while (url is not null)
        {
            string html = await Client.GetStringAsync(url);
            foreach (Match m in RowLink().Matches(html))
                Assert.True(seen.Add(m.Groups[1].Value), $"row {m.Groups[1].Value} seen twice");
            var next = NextLink().Match(html);
            url = next.Success ? WebUtility.HtmlDecode(next.Groups[1].Value) : null;
            Assert.True(++pages < 100);
        }
        Assert.Equal(ServerFixture.RowCount, seen.Count);
    }

    [GeneratedRegex("<td class=\"num rowid\"><a href=\"/sample/photos/(\\d+)\">")]
    private static partial Regex RowLink();

    [Fact]
    public async Task Sort_headers_toggle_direction()
    {
        string html = await Client.GetStringAsync("/sample/photos?_sort=score");
        Assert.Contains("href=\"/sample/photos?_sort_desc=score\"", html);
        Assert.Contains("href=\"/sample/photos?_sort=width\"", html);
    }

    [Fact]
    public async Task YouTube_ids_render_as_light_embeds_with_the_rows_clip()
    {
        string html = await Client.GetStringAsync("/sample/clips");
        Assert.Contains("data-yt=\"-0Gj8-vB1q4\" data-start=\"30\" data-end=\"40\"", html);
        Assert.Contains("https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg", html);
        Assert.Contains("bad&lt;id&gt;x", html);
        Assert.DoesNotContain("data-yt=\"bad", html);
        Assert.DoesNotContain("<iframe", html);
    }

    [Fact]
    public async Task Histogram_is_an_inline_svg()
    {
        string html = await Client.GetStringAsync("/sample/photos?_histogram=width");
        Assert.Contains("<svg class=\"histogram\"", html);
    }

    [Fact]
    public async Task Index_and_dataset_pages_link_to_the_table()
    {
        string index = await Client.GetStringAsync("/");
        Assert.Contains("href=\"/sample/photos\"", index);
        string db = await Client.GetStringAsync("/sample");
        Assert.Contains("href=\"/sample/photos\"", db);
        Assert.Contains("/sample/-/query", db);
    }

    [Fact]
    public async Task Head_requests_answer_with_headers_only()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, "/sample/photos.json");
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Static_assets_are_served_with_their_types()
    {
        using var css = await Client.GetAsync("/-/static/trawl.css");
        Assert.Equal("text/css; charset=utf-8", css.Content.Headers.ContentType?.ToString());
        using var js = await Client.GetAsync("/-/static/trawl.js");
        Assert.Contains("youtube-nocookie.com/embed/", await js.Content.ReadAsStringAsync());
        using var missing = await Client.GetAsync("/-/static/nope.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
