using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Trawl.Testing;
using Xunit.Abstractions;

namespace Trawl.Server.Tests.Browser;

public sealed class BrowserTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private const string FakePlayer = "<!DOCTYPE html><title>player</title><p>player</p>";

    /// <summary>A fresh page that records console errors and uncaught exceptions, with YouTube's hosts answered
    /// locally (the machine is offline; the point is what the page asks for).</summary>
    private async Task<(IPage Page, List<string> Errors, List<string> Requests)?> OpenPage()
    {
        // Skipped when Chromium is absent; the fixture already failed under CI=true.
        Requirements.Require(fixture.Browser is not null, fixture.Unavailable ?? "the browser did not start");
        var context = await fixture.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.Server.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        var requests = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                errors.Add(message.Text);
        };
        page.PageError += (_, error) => errors.Add("page error: " + error);
        page.Request += (_, request) => requests.Add(request.Url);
        await page.RouteAsync("https://i.ytimg.com/**", route => route.FulfillAsync(new RouteFulfillOptions { ContentType = "image/png", BodyBytes = BrowserFixture.Thumbnail }));
        await page.RouteAsync("https://www.youtube-nocookie.com/**", route => route.FulfillAsync(new RouteFulfillOptions { ContentType = "text/html", Body = FakePlayer }));
        return (page, errors, requests);
    }

    private static long RowCount(string text) => long.Parse(text.Replace(",", ""), CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task Search_box_finds_rows()
    {
        if (await OpenPage() is not var (page, errors, _))
            return;
        await page.GotoAsync("/sample/photos");
        await page.FillAsync("input[name=_search]", "zebra");
        await page.PressAsync("input[name=_search]", "Enter");
        await page.WaitForURLAsync(new Regex("_search=zebra"));
        long expected = fixture.Server.Rows.Count(r => r.Caption.Split(' ').Contains("zebra"));
        Assert.Equal(expected, RowCount(await page.InnerTextAsync(".row-count")));
        Assert.Equal((int)Math.Min(expected, 100), await page.Locator("table.rows tbody tr").CountAsync());
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Clicking_a_facet_value_filters_and_selects_it()
    {
        if (await OpenPage() is not var (page, errors, _))
            return;
        await page.GotoAsync("/sample/photos");
        var bar = page.Locator(".facet[data-column=domain] svg a").First;
        string title = await bar.Locator("title").TextContentAsync() ?? "";
        string domain = title[..title.LastIndexOf(':')];
        await bar.ClickAsync();
        await page.WaitForURLAsync(new Regex("domain__exact="));
        Assert.Equal(fixture.Server.Rows.Count(r => r.Domain == domain), RowCount(await page.InnerTextAsync(".row-count")));
        Assert.Equal(1, await page.Locator(".facet[data-column=domain] rect.bar.selected").CountAsync());
        Assert.Equal(1, await page.Locator(".chip.filter").CountAsync());
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Next_page_links_reach_every_row()
    {
        if (await OpenPage() is not var (page, errors, _))
            return;
        await page.GotoAsync("/sample/photos?_size=60");
        var seen = new HashSet<string>();
        for (int pages = 0; ; pages++)
        {
            Assert.True(pages < 20);
            foreach (string id in await page.Locator("td.rowid a").AllInnerTextsAsync())
                Assert.True(seen.Add(id), $"row {id} twice");
            var next = page.Locator("a.next");
            if (await next.CountAsync() == 0)
                break;
            await next.ClickAsync();
            await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        }
        Assert.Equal(fixture.Server.Rows.Count, seen.Count);
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Row_link_opens_the_row_with_the_full_text()
    {
        if (await OpenPage() is not var (page, errors, _))
            return;
        await page.GotoAsync("/sample/photos");
        await page.Locator("td.rowid a").Nth(2).ClickAsync();
        await page.WaitForURLAsync(new Regex("/sample/photos/2$"));
        Assert.Contains("row 2", await page.InnerTextAsync("h1"));
        // The hostile caption is text on the page, not markup.
        Assert.Contains("<script>alert(1)</script>", await page.InnerTextAsync("table.row-detail"));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Play_button_swaps_in_the_privacy_enhanced_player_for_the_clip()
    {
        if (await OpenPage() is not var (page, errors, requests))
            return;
        await page.GotoAsync("/sample/clips");
        Assert.DoesNotContain(requests, r => r.Contains("youtube-nocookie", StringComparison.Ordinal));
        await page.Locator(".yt[data-yt='-0Gj8-vB1q4'] button.yt-play").ClickAsync();
        var frame = page.Locator(".yt[data-yt='-0Gj8-vB1q4'] iframe");
        await frame.WaitForAsync();
        Assert.Equal("https://www.youtube-nocookie.com/embed/-0Gj8-vB1q4?start=30&end=40&autoplay=1", await frame.GetAttributeAsync("src"));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Table_page_screenshot_is_a_png_and_thumbnails_load()
    {
        if (await OpenPage() is not var (page, errors, _))
            return;
        await page.GotoAsync("/sample/photos?_size=12&_histogram=score");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        int loaded = await page.EvaluateAsync<int>("() => [...document.querySelectorAll('a.thumb img')].filter(i => i.complete && i.naturalWidth > 0).length");
        Assert.True(loaded > 0, "no thumbnail loaded");
        string dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "table.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(TestPng.IsPng(bytes), "screenshot is not a PNG");
        Assert.True(bytes.Length > 10_000, $"screenshot is only {bytes.Length} bytes");
        output.WriteLine("screenshot: " + path);

        await page.GotoAsync("/sample/clips");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, "clips.png"), FullPage = true });
        await page.GotoAsync("/sample/photos/6");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, "row.png"), FullPage = true });
        await page.GotoAsync("/");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, "index.png") });
        await page.GotoAsync("/sample/-/query?sql=" + Uri.EscapeDataString("select domain, count(*) as n, avg(score) from photos group by domain"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, "query.png") });
        await page.GotoAsync("/sample/photos?_search=zebra&_facet=tag&domain__exact=pinimg.com&_sort_desc=score");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, "filtered.png") });
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }
}
