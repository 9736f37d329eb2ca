using System.Net;
using Microsoft.Data.Sqlite;
using Trawl.Server.Hosting;
using Trawl.Store;
using Trawl.Store.Ingest;

namespace Trawl.Server.Tests.Integration;

/// <summary>trawl serve --setting NAME=VALUE: each of Datasette's settings Trawl accepts, applied and checked on the
/// pages it changes; unknown and meaningless names are errors that name them.</summary>
public sealed class SettingsTests : IDisposable
{
    private const int Rows = 60;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "trawl-settings-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _dataset;

    public SettingsTests()
    {
        Directory.CreateDirectory(_root);
        string csv = Path.Combine(_root, "clips.csv");
        File.WriteAllText(csv, "ytid,caption,author_id,genre\n" + string.Concat(Enumerable.Range(0, Rows).Select(i =>
            $"y{i:D2},{string.Join(' ', Enumerable.Repeat($"word{i}", 20))},{i % 6},{(i % 3 == 0 ? "rock" : i % 3 == 1 ? "jazz" : "folk")}\n")));
        _dataset = Path.Combine(_root, "s.trawl");
        DatasetIngest.Run(_dataset, new IngestRequest { Sources = [csv], Table = "clips", SearchColumns = ["caption"] });
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    /// <summary>A server with the settings applied as the CLI applies them.</summary>
    private async Task<(Microsoft.AspNetCore.Builder.WebApplication App, HttpClient Client)> Serve(params string[] settings)
    {
        var options = new ServerOptions { Port = 0 };
        foreach (string s in settings)
            options = DatasetteSettings.Apply(options, s[..s.IndexOf('=')], s[(s.IndexOf('=') + 1)..]);
        var app = TrawlServer.Build([_dataset], options);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(app.Urls.Single()) });
    }

    private static async Task<(HttpStatusCode Status, string Body)> Get(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Page_sizes_and_facet_sizes_follow_the_settings()
    {
        var (app, client) = await Serve("default_page_size=5", "max_returned_rows=8", "default_facet_size=2");
        await using (app)
        using (client)
        {
            var page = await client.GetJson("/s/clips.json?_facet=author_id");
            Assert.Equal(5, page.GetProperty("rows").GetArrayLength());
            Assert.Equal(2, page.GetProperty("facets").GetProperty("author_id").GetProperty("values").GetArrayLength());
            Assert.Equal(8, (await client.GetJson("/s/clips.json?_size=max")).GetProperty("rows").GetArrayLength());
            var (status, body) = await Get(client, "/s/clips.json?_size=9");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("from 1 to 8", body);
            var sql = await client.GetJson("/s/-/query.json?sql=select+*+from+clips");
            Assert.Equal(8, sql.GetProperty("rows").GetArrayLength());
            var settings = await client.GetJson("/-/settings.json");
            Assert.Equal(5, settings.GetProperty("default_page_size").GetInt32());
            Assert.Equal(2, settings.GetProperty("default_facet_size").GetInt32());
        }
    }

    [Fact]
    public async Task Allow_facet_off_refuses_facet_parameters_and_suggest_facets_off_suggests_none()
    {
        var (defaultApp, defaultClient) = await Serve();
        await using (defaultApp)
        using (defaultClient)
            Assert.NotEqual(0, (await defaultClient.GetJson("/s/clips.json")).GetProperty("suggested_facets").GetArrayLength());

        var (app, client) = await Serve("suggest_facets=off");
        await using (app)
        using (client)
        {
            Assert.Equal(0, (await client.GetJson("/s/clips.json")).GetProperty("suggested_facets").GetArrayLength());
            Assert.Equal(3, (await client.GetJson("/s/clips.json?_facet=genre")).GetProperty("facets").GetProperty("genre").GetProperty("values").GetArrayLength());
        }

        var (off, offClient) = await Serve("allow_facet=0");
        await using (off)
        using (offClient)
        {
            foreach (string key in new[] { "_facet", "_facet_array", "_facet_date" })
            {
                var (status, body) = await Get(offClient, $"/s/clips.json?{key}=genre");
                Assert.Equal(HttpStatusCode.BadRequest, status);
                Assert.Contains($"{key} is not allowed", body);
            }
            string html = await offClient.GetStringAsync("/s/clips");
            Assert.DoesNotContain("data-action=\"facet-value\"", html);
            Assert.Contains("data-action=\"sort\"", html);
        }
    }

    [Fact]
    public async Task Allow_download_serves_a_copy_sqlite_opens_and_off_is_a_403()
    {
        var (app, client) = await Serve();
        await using (app)
        using (client)
        {
            Assert.Contains("href=\"/s.db\"", await client.GetStringAsync("/s"));
            using var response = await client.GetAsync("/s.db");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("attachment; filename=\"s.db\"", response.Content.Headers.ContentDisposition?.ToString());
            string copy = Path.Combine(_root, "copy.db");
            await File.WriteAllBytesAsync(copy, await response.Content.ReadAsByteArrayAsync());
            using var conn = new SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM clips WHERE rowid IN (SELECT rowid FROM clips_fts WHERE clips_fts MATCH 'word7')";
            Assert.Equal(1L, cmd.ExecuteScalar());
        }
        Assert.Empty(Directory.EnumerateFiles(Path.GetTempPath(), "trawl-download-*"));

        var (off, offClient) = await Serve("allow_download=off");
        await using (off)
        using (offClient)
        {
            var (status, body) = await Get(offClient, "/s.db");
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Contains("allow_download", body);
            Assert.DoesNotContain("Download SQLite DB", await offClient.GetStringAsync("/s"));
        }
    }

    [Fact]
    public async Task Csv_stream_off_caps_exports_at_max_returned_rows()
    {
        var (app, client) = await Serve("allow_csv_stream=off", "max_returned_rows=10");
        await using (app)
        using (client)
        {
            Assert.Equal(11, (await client.GetStringAsync("/s/clips.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Equal(10, (await client.GetStringAsync("/s/clips.jsonl")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
        var (all, allClient) = await Serve("max_returned_rows=10");
        await using (all)
        using (allClient)
            Assert.Equal(Rows + 1, (await allClient.GetStringAsync("/s/clips.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Sql_off_refuses_the_query_page_and_where_but_not_the_table()
    {
        var (app, client) = await Serve("default_allow_sql=false");
        await using (app)
        using (client)
        {
            var (status, body) = await Get(client, "/s/-/query.json?sql=select+1");
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Contains("default_allow_sql", body);
            var (whereStatus, whereBody) = await Get(client, "/s/clips.json?_where=author_id%3D1");
            Assert.Equal(HttpStatusCode.BadRequest, whereStatus);
            Assert.Contains("_where is not allowed", whereBody);
            Assert.Equal(10, (await client.GetJson("/s/clips.json?author_id=1")).Count());
            Assert.DoesNotContain("class=\"sql-link\"", await client.GetStringAsync("/s/clips"));
        }
    }

    [Fact]
    public async Task Truncation_cache_ttl_and_https_urls_follow_the_settings()
    {
        var (app, client) = await Serve("truncate_cells_html=11", "default_cache_ttl=60", "force_https_urls=on", "default_page_size=2");
        await using (app)
        using (client)
        {
            using var response = await client.GetAsync("/s/clips");
            string html = await response.Content.ReadAsStringAsync();
            Assert.Contains(">word0 word0<span class=\"more\"", html);
            Assert.Equal("max-age=60", response.Headers.CacheControl?.ToString());
            var page = await client.GetJson("/s/clips.json");
            Assert.StartsWith("https://", page.GetProperty("next_url").GetString());
            using var asked = await client.GetAsync("/s/clips.json?_ttl=5");
            Assert.Equal("max-age=5", asked.Headers.CacheControl?.ToString());
        }
        var (whole, wholeClient) = await Serve("truncate_cells_html=0");
        await using (whole)
        using (wholeClient)
            Assert.Contains(string.Join(' ', Enumerable.Repeat("word0", 20)), await wholeClient.GetStringAsync("/s/clips"));
    }

    [Fact]
    public async Task Base_url_prefixes_every_link_and_serves_under_the_prefix()
    {
        var (app, client) = await Serve("base_url=/data/", "default_page_size=2");
        await using (app)
        using (client)
        {
            string html = await client.GetStringAsync("/data/s/clips");
            Assert.Contains("href=\"/data/-/static/trawl.css\"", html);
            Assert.Contains("href=\"/data/s/clips/0\"", html);
            Assert.Contains("href=\"/data/s/clips?_next=", html);
            Assert.DoesNotContain("href=\"/s/", html);
            var page = await client.GetJson("/data/s/clips.json");
            Assert.Contains("/data/s/clips.json?_next=", page.GetProperty("next_url").GetString());
            Assert.Contains("href=\"/data/\"", await client.GetStringAsync("/data/"));
            Assert.Equal("/data/", (await client.GetJson("/data/-/settings.json")).GetProperty("base_url").GetString());
        }
    }

    [Theory]
    [InlineData("no_such_setting", "1", "not a setting Trawl honours")]
    [InlineData("num_sql_threads", "3", "not applied by Trawl")]
    [InlineData("default_page_size", "0", "positive whole number")]
    [InlineData("allow_facet", "maybe", "give on or off")]
    [InlineData("truncate_cells_html", "-1", "whole number")]
    [InlineData("base_url", "http://evil/", "give a path")]
    [InlineData("base_url", "/a\"b/", "give a path")]
    public void Unknown_settings_and_bad_values_are_errors_that_name_the_setting(string name, string value, string message)
    {
        var e = Assert.Throws<UserErrorException>(() => DatasetteSettings.Apply(new ServerOptions(), name, value));
        Assert.Contains(name, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public async Task Facet_time_limit_stops_a_slow_facet_while_the_count_finishes()
    {
        // A condition costing ~50k VM steps per row (correlated, so SQLite cannot evaluate it once): the facet over
        // all 60 rows takes far longer than 100 ms; the count is only bound by the SQL time limit.
        string slow = Uri.EscapeDataString("(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000 + author_id * 0) SELECT count(*) FROM c) > 0");
        string url = $"/s/clips.json?_size=1&_facet=genre&_where={slow}";
        var (app, client) = await Serve("facet_time_limit_ms=100", "sql_time_limit_ms=30000");
        await using (app)
        using (client)
        {
            var page = await client.GetJson(url);
            Assert.Equal(["genre"], page.GetProperty("facets_timed_out").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(Rows, page.Count());
        }
        var (slowApp, slowClient) = await Serve("sql_time_limit_ms=30000");
        await using (slowApp)
        using (slowClient)
        {
            var page = await slowClient.GetJson(url);
            Assert.Equal(0, page.GetProperty("facets_timed_out").GetArrayLength());
            Assert.Equal(3, page.GetProperty("facets").GetProperty("genre").GetProperty("values").GetArrayLength());
        }
    }

    [Fact]
    public void Facet_time_limits_are_set_and_reported()
    {
        var o = DatasetteSettings.Apply(new ServerOptions(), "facet_time_limit_ms", "150");
        o = DatasetteSettings.Apply(o, "facet_suggest_time_limit_ms", "20");
        Assert.Equal(TimeSpan.FromMilliseconds(150), o.FacetTimeLimit);
        Assert.Equal(TimeSpan.FromMilliseconds(20), o.FacetSuggestTimeLimit);
        var current = DatasetteSettings.Current(o).ToDictionary(p => p.Name, p => p.Value);
        Assert.Equal(150L, current["facet_time_limit_ms"]);
        Assert.Equal(20L, current["facet_suggest_time_limit_ms"]);
    }
}
