using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Trawl.Server.Tests.Integration;
using Trawl.Testing;

namespace Trawl.Server.Tests.Browser;

/// <summary>Chromium against the MusicCaps-shaped dataset: the column menu, array facets and search highlighting.</summary>
public sealed class DatasetteBrowserTests(DatasetteBrowserTests.Fixture fixture) : IClassFixture<DatasetteBrowserTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        private HeadlessChromium? _chromium;

        public DatasetteFixture Server { get; } = new();
        public IBrowser? Browser { get; private set; }
        public string? Unavailable { get; private set; }

        public async Task InitializeAsync()
        {
            Unavailable = HeadlessChromium.Unavailable();
            if (Unavailable is not null)
                return;
            await Server.InitializeAsync();
            _chromium = await HeadlessChromium.LaunchAsync();
            Browser = _chromium.Browser;
        }

        public async Task DisposeAsync()
        {
            if (_chromium is not null)
                await _chromium.DisposeAsync();
            await Server.DisposeAsync();
        }
    }

    private const string Table = "/caps/zz_musiccaps";

    private async Task<(IPage Page, List<string> Errors)> OpenPage()
    {
        Requirements.Require(fixture.Browser is not null, fixture.Unavailable ?? "the browser did not start");
        var context = await fixture.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.Server.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
                errors.Add(m.Text);
        };
        page.PageError += (_, e) => errors.Add("page error: " + e);
        return (page, errors);
    }

    private static long RowCount(string text) => long.Parse(text.Replace(",", ""), CultureInfo.InvariantCulture);

    /// <summary>Clicks the bar of a facet whose label is <paramref name="label"/>.</summary>
    private static async Task ClickBar(IPage page, string facet, string label)
    {
        var bars = page.Locator($".facet[data-column={facet}] svg a");
        var titles = await bars.Locator("title").AllTextContentsAsync();
        int index = titles.ToList().FindIndex(t => t[..t.LastIndexOf(':')] == label);
        Assert.True(index >= 0, $"no bar '{label}' among: {string.Join(" | ", titles)}");
        await bars.Nth(index).ClickAsync();
    }

    [SkippableFact]
    public async Task Column_menu_facets_by_any_column()
    {
        var (page, errors) = await OpenPage();
        // A search page shows no facets until asked.
        await page.GotoAsync(Table + "?_search=guitar&_size=5");
        Assert.Equal(0, await page.Locator(".facet[data-column=author_id]").CountAsync());
        await page.Locator("summary[aria-label='Options for author_id']").ClickAsync();
        var item = page.Locator("th:has(summary[aria-label='Options for author_id']) a[data-action=facet-value]");
        Assert.True(await item.IsVisibleAsync());
        await item.ClickAsync();
        await page.WaitForURLAsync(new Regex("_facet=author_id"));
        Assert.Equal(5, await page.Locator(".facet[data-column=author_id] svg a").CountAsync());
        // author_id is a foreign key: the bars are labelled with the authors' names (and the key).
        await ClickBar(page, "author_id", "Dee (3)");
        await page.WaitForURLAsync(new Regex("author_id__exact=3"));
        Assert.Equal(fixture.Server.Rows.Count(r => r.AuthorId == 3 && r.Caption.Contains("guitar")), RowCount(await page.InnerTextAsync(".row-count")));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Array_facet_from_the_menu_filters_by_a_list_element_with_an_apostrophe()
    {
        var (page, errors) = await OpenPage();
        await page.GotoAsync(Table + "?_size=5");
        await page.Locator("summary[aria-label='Options for aspect_list']").ClickAsync();
        await page.Locator("th:has(summary[aria-label='Options for aspect_list']) a[data-action=facet-array]").ClickAsync();
        await page.WaitForURLAsync(new Regex("_facet_array=aspect_list"));
        var facet = page.Locator(".facet[data-column=aspect_list][data-kind=array]");
        Assert.Equal(DatasetteFixture.Aspects.Length, await facet.Locator("svg a").CountAsync());
        await ClickBar(page, "aspect_list", "men's voice");
        await page.WaitForURLAsync(new Regex("aspect_list__arraycontains="));
        Assert.Equal(fixture.Server.Rows.Count(r => r.Aspects.Contains("men's voice")), RowCount(await page.InnerTextAsync(".row-count")));
        Assert.Equal(1, await facet.Locator("rect.bar.selected").CountAsync());
        Assert.Contains("array contains", await page.InnerTextAsync(".chip.filter"));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Search_highlights_the_matched_word_and_shows_markup_as_text()
    {
        var (page, errors) = await OpenPage();
        await page.GotoAsync(Table + "?_size=5");
        await page.FillAsync("input[name=_search]", "piano");
        await page.PressAsync("input[name=_search]", "Enter");
        await page.WaitForURLAsync(new Regex("_search=piano"));
        var marks = await page.Locator("td.snippet mark").AllInnerTextsAsync();
        Assert.NotEmpty(marks);
        Assert.All(marks, m => Assert.Equal("piano", m, ignoreCase: true));
        // The caption with a script tag in it: the tag is text, and no script ran (no console error, no alert).
        await page.GotoAsync(Table + "?_search=piano&ytid=id0007");
        Assert.Contains("<script>alert(1)</script>", await page.InnerTextAsync("td.snippet"));
        Assert.Equal(1, await page.Locator("td.snippet mark").CountAsync());
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Label_links_lead_to_the_row_and_back_through_links_from_other_tables()
    {
        var (page, errors) = await OpenPage();
        await page.GotoAsync(Table + "?_size=20");
        // Author 4's label is markup in the data: shown as text, and the link goes to that author's row.
        var eve = page.Locator("a.fk", new PageLocatorOptions { HasText = "<b>Eve</b>" }).First;
        Assert.Equal(0, await page.Locator("td b").CountAsync());
        await eve.ClickAsync();
        await page.WaitForURLAsync(new Regex("/caps/authors/\\d+$"));
        Assert.Contains("Links from other tables", await page.InnerTextAsync("section.links-from"));
        int expected = fixture.Server.Rows.Count(r => r.AuthorId == 4);
        var back = page.Locator("section.links-from a");
        Assert.Equal($"{expected} rows", await back.InnerTextAsync());
        await back.ClickAsync();
        await page.WaitForURLAsync(new Regex("author_id=4"));
        Assert.Equal(expected, RowCount(await page.InnerTextAsync(".row-count")));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task View_page_searches_facets_and_shows_the_joined_column()
    {
        var (page, errors) = await OpenPage();
        await page.GotoAsync("/caps/musiccaps_details?_size=5");
        Assert.Equal(fixture.Server.Rows.Count, RowCount(await page.InnerTextAsync(".row-count")));
        Assert.Contains("first video", await page.InnerTextAsync("table.rows"));
        await page.FillAsync("input[name=_search]", "piano");
        await page.PressAsync("input[name=_search]", "Enter");
        await page.WaitForURLAsync(new Regex("_search=piano"));
        await page.Locator("summary[aria-label='Options for author_id']").ClickAsync();
        await page.Locator("th:has(summary[aria-label='Options for author_id']) a[data-action=facet-value]").ClickAsync();
        await page.WaitForURLAsync(new Regex("_facet=author_id"));
        await ClickBar(page, "author_id", "2");
        await page.WaitForURLAsync(new Regex("author_id__exact=2"));
        Assert.Equal(fixture.Server.Rows.Count(r => r.AuthorId == 2 && r.Caption.Contains("piano")), RowCount(await page.InnerTextAsync(".row-count")));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }
}
