using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Trawl.Server.Tests.Clip;
using Trawl.Testing;

namespace Trawl.Server.Tests.Browser;

/// <summary>The table page's "by meaning" box and image upload, used as a person would in Chromium.</summary>
public sealed class MeaningBrowserTests(ClipBrowserFixture fixture) : IClassFixture<ClipBrowserFixture>
{
    private async Task<(IPage Page, List<string> Errors)> OpenPage()
    {
        Requirements.Require(fixture.Browser is not null, fixture.Unavailable ?? "the browser did not start");
        var context = await fixture.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.Server.Client.BaseAddress!.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        // The machine running the tests may be heavily loaded: encoding and the first page can be slow.
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                errors.Add(message.Text);
        };
        page.PageError += (_, error) => errors.Add("page error: " + error);
        // The rows' image URLs point at img.example.com; the machine is offline, so they are answered here.
        byte[] png = File.ReadAllBytes(ClipServerFixture.WidePng);
        await page.RouteAsync("https://img.example.com/**", route => route.FulfillAsync(new RouteFulfillOptions { ContentType = "image/png", BodyBytes = png }));
        return (page, errors);
    }

    private static async Task<long> FirstGridRow(IPage page)
    {
        string text = await page.Locator(".similar-grid li .meta a").First.InnerTextAsync();
        return long.Parse(text.Replace("row ", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
    }

    [SkippableFact]
    public async Task Typing_in_the_meaning_box_shows_the_nearest_rows_as_thumbnails()
    {
        var (page, errors) = await OpenPage();
        await page.GotoAsync("/clipds/pics", new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.FillAsync("input[name=q]", "a cat on a red sofa");
        await page.PressAsync("input[name=q]", "Enter");
        await page.WaitForURLAsync(new Regex("/clipds/-/meaning\\?q=a\\+cat"), new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        Assert.Equal(6, await FirstGridRow(page));
        Assert.Equal(ClipServerFixture.Captions.Length, await page.Locator(".similar-grid li").CountAsync());
        Assert.Equal(ClipServerFixture.Captions.Length, await page.Locator(".similar-grid li img").CountAsync());
        // The box keeps the text for the next search.
        Assert.Equal("a cat on a red sofa", await page.InputValueAsync("input[name=q]"));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Uploading_an_image_shows_its_neighbours()
    {
        var (page, errors) = await OpenPage();
        await page.GotoAsync("/clipds/pics", new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.SetInputFilesAsync("input[name=image]", ClipServerFixture.WidePng);
        await page.ClickAsync("form.by-image button[type=submit]");
        // Wait for what only the answer page shows, not for a load event: a load-state wait after this upload once hung
        // until its timeout in CI on a quiet machine.
        await page.Locator("section.similar h2", new PageLocatorOptions { HasTextString = "By image" }).WaitForAsync();
        await page.Locator(".similar-grid li").First.WaitForAsync();
        Assert.Matches(new Regex("/clipds/-/meaning\\?table=pics"), page.Url);
        Assert.Equal(ClipServerFixture.WideRow, await FirstGridRow(page));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }
}
