using System.Net;
using Trawl.Server.Hosting;
using Trawl.Store;
using Trawl.Store.Ingest;
using Trawl.Store.Related;

namespace Trawl.Server.Tests.Integration;

/// <summary>robots.txt, --cors, --setting, and a view (trawl view) served as a table page.</summary>
public sealed class PublishingTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "trawl-publish-" + Guid.NewGuid().ToString("N")[..12]);

    public PublishingTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private string Dataset()
    {
        string csv = Path.Combine(_root, "musiccaps.csv");
        File.WriteAllText(csv, "ytid,caption,author_id\na1,a rock guitar riff,1\na2,a soft piano piece,2\na3,guitar and drums,1\n");
        string videos = Path.Combine(_root, "videos.csv");
        File.WriteAllText(videos, "id,title\na1,Riff\na3,Drums\n");
        string dataset = Path.Combine(_root, "m.trawl");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "musiccaps" });
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [videos], Table = "videos", SearchColumns = [] });
        DatasetViews.Create(dataset, "musiccaps_details", "SELECT m.rowid AS rowid, m.ytid, m.caption, m.author_id, v.title FROM musiccaps m LEFT JOIN videos v ON v.id = m.ytid", rowidOf: "musiccaps");
        return dataset;
    }

    [Fact]
    public async Task Robots_txt_blocks_crawlers_by_default_and_cors_is_off()
    {
        await using var app = TrawlServer.Build([Dataset()], new ServerOptions { Port = 0 });
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        var robots = await client.GetAsync("/robots.txt");
        Assert.Equal(HttpStatusCode.OK, robots.StatusCode);
        Assert.Equal("User-agent: *\nDisallow: /\n", await robots.Content.ReadAsStringAsync());
        var page = await client.GetAsync("/m/musiccaps.json");
        Assert.False(page.Headers.Contains("Access-Control-Allow-Origin"));
        await app.StopAsync();
    }

    [Fact]
    public async Task Cors_and_allow_robots_when_asked()
    {
        await using var app = TrawlServer.Build([Dataset()], new ServerOptions { Port = 0, Cors = true, AllowRobots = true });
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        Assert.Equal("User-agent: *\nAllow: /\n", await client.GetStringAsync("/robots.txt"));
        var page = await client.GetAsync("/m/musiccaps.json");
        Assert.Equal("*", page.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var preflight = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/m/musiccaps.json"));
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public void Datasette_settings_map_onto_the_options_and_others_are_refused()
    {
        var o = DatasetteSettings.Apply(new ServerOptions { Cors = true }, "sql_time_limit_ms", "3500");
        o = DatasetteSettings.Apply(o, "max_returned_rows", "10");
        Assert.Equal(TimeSpan.FromMilliseconds(3500), o.SqlTimeLimit);
        Assert.Equal(10, o.SqlMaxRows);
        Assert.True(o.Cors);
        Assert.Throws<UserErrorException>(() => DatasetteSettings.Apply(o, "sql_time_limit_ms", "-1"));
        var e = Assert.Throws<UserErrorException>(() => DatasetteSettings.Apply(o, "num_sql_threads", "3"));
        Assert.Contains("num_sql_threads", e.Message);
    }

    [Fact]
    public async Task A_view_is_served_as_a_table_with_search_filters_facets_and_exports()
    {
        await using var app = TrawlServer.Build([Dataset()], new ServerOptions { Port = 0 });
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        var page = await client.GetJson("/m/musiccaps_details.json?_search=guitar&author_id=1&_facet=title");
        Assert.Equal(2, page.GetProperty("count").GetInt64());
        var titles = page.GetProperty("facets").GetProperty("title").GetProperty("values").EnumerateArray().Select(v => v.GetProperty("value").GetString()).Order().ToList();
        Assert.Equal(["Drums", "Riff"], titles);
        string csv = await client.GetStringAsync("/m/musiccaps_details.csv");
        Assert.Contains("a soft piano piece", csv);
        var html = await client.GetAsync("/m/musiccaps_details");
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task Count_names_rows_link_to_the_search_that_counted_them()
    {
        string dataset = Dataset();
        string names = Path.Combine(_root, "names.csv");
        File.WriteAllText(names, "name\nguitar\n\"Dwayne 'The Rock' Johnson\"\nsoft piano\n");
        NameCounts.Run(dataset, names, "name", "names");
        await using var app = TrawlServer.Build([dataset], new ServerOptions { Port = 0 });
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        string html = await client.GetStringAsync("/m/names");
        var links = System.Text.RegularExpressions.Regex.Matches(html, "<a class=\"search-link\" href=\"([^\"]+)\">search musiccaps</a>")
            .Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.Equal(3, links.Count);
        var rows = (await client.GetJson("/m/names.json")).GetProperty("rows").EnumerateArray().ToList();
        foreach (var row in rows)
        {
            string name = row.GetProperty("name").GetString()!;
            string link = links.Single(l => Uri.UnescapeDataString(l.Replace('+', ' ')).Contains(name, StringComparison.Ordinal));
            Assert.Equal(row.GetProperty("count").GetInt64(), (await client.GetJson(link.Replace("/m/musiccaps?", "/m/musiccaps.json?"))).Count());
        }
        Assert.Equal([2L, 1L, 0L], rows.Select(r => r.GetProperty("count").GetInt64()));
        await app.StopAsync();
    }
}
