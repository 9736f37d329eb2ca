using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Trawl.Store.Queries;

namespace Trawl.Server.Tests.Integration;

/// <summary>Datasette's table and query URLs, each checked against counts made from the generated rows.</summary>
public sealed class DatasetteGrammarTests(DatasetteFixture server) : IClassFixture<DatasetteFixture>
{
    private HttpClient Client => server.Client;
    private const string Table = "/caps/zz_musiccaps";

    private static async Task<(HttpStatusCode Status, string Body)> Get(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Musiccaps_json_where_author_id_4_counts_only_those_rows()
    {
        var page = await Client.GetJson(Table + ".json?_where=author_id%3D4");
        Assert.Equal(server.Rows.Count(r => r.AuthorId == 4), page.Count());
        Assert.Equal("(author_id=4)", page.GetProperty("query").GetProperty("where").GetString());
        var two = await Client.GetJson(Table + ".json?_where=author_id%3E2&_where=caption%20like%20%27%25piano%25%27");
        Assert.Equal(server.Rows.Count(r => r.AuthorId > 2 && r.Caption.Contains("piano")), two.Count());
    }

    [Theory]
    [InlineData("_where=1%3B%20select%201", "';'")]
    [InlineData("_where=1)%20or%20(1", "')' without '('")]
    [InlineData("_where=no_such_column%3D1", "no such column")]
    public async Task Where_that_is_not_one_read_only_condition_is_a_400(string query, string message)
    {
        var (status, body) = await Get(Client, Table + ".json?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, body);
    }

    [Fact]
    public async Task Where_past_the_time_limit_is_a_400_not_a_hang()
    {
        string slow = Uri.EscapeDataString("(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c) > 0");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (status, body) = await Get(Client, Table + ".json?_timelimit=300&_where=" + slow);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("time limit", body);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Exports_with_where_filter_and_stop_at_the_time_limit()
    {
        string csv = await Client.GetStringAsync(Table + ".csv?_where=author_id%3D4");
        Assert.Equal(server.Rows.Count(r => r.AuthorId == 4) + 1, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        string slow = Uri.EscapeDataString("(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c) > 0");
        var (status, body) = await Get(Client, Table + ".jsonl?_timelimit=300&_where=" + slow);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("time limit", body);
    }

    [Theory]
    [InlineData("_bogus=1", "unknown parameter '_bogus'")]
    [InlineData("_labels=maybe", "_labels must be on or off")]
    [InlineData("_label=caption", "not a foreign key")]
    [InlineData("_through=%7B%7D", "unsupported parameter '_through'")]
    [InlineData("_shape=table", "_shape must be")]
    [InlineData("_facet_size=0", "_facet_size must be")]
    [InlineData("_col=nope", "has no column 'nope'")]
    [InlineData("_search_author_id=4", "not a search column")]
    [InlineData("author_id__bogus=4", "unknown filter operator 'bogus'")]
    public async Task Unknown_or_unsupported_parameters_are_400s_that_name_them(string query, string message)
    {
        var (status, body) = await Get(Client, Table + ".json?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, body);
        var (htmlStatus, _) = await Get(Client, Table + "?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, htmlStatus);
    }

    [Fact]
    public async Task Shapes_array_object_arrayfirst_and_newline_delimited()
    {
        var array = await Client.GetJson(Table + ".json?_shape=array&_size=3");
        Assert.Equal(JsonValueKind.Array, array.ValueKind);
        Assert.Equal(["id0000", "id0001", "id0002"], array.EnumerateArray().Select(r => r.GetProperty("ytid").GetString()));

        var obj = await Client.GetJson(Table + ".json?_shape=object&_size=3&author_id=1");
        var keys = obj.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(server.Rows.Where(r => r.AuthorId == 1).Take(3).Select(r => r.RowId.ToString()), keys);
        Assert.Equal(1, obj.GetProperty(keys[0]).GetProperty("author_id").GetInt64());

        var first = await Client.GetJson(Table + ".json?_shape=arrayfirst&_size=4&_col=author_id");
        Assert.Equal([0L, 1, 2, 3], first.EnumerateArray().Select(v => v.GetInt64()));

        using var response = await Client.GetAsync(Table + ".json?_shape=array&_nl=on&_size=5");
        string text = await response.Content.ReadAsStringAsync();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Equal("id0004", JsonDocument.Parse(lines[4]).RootElement.GetProperty("ytid").GetString());
        Assert.Contains("rel=\"next\"", response.Headers.GetValues("Link").Single());
    }

    [Fact]
    public async Task Col_and_nocol_choose_columns_and_keep_rowid()
    {
        var col = await Client.GetJson(Table + ".json?_col=caption&_col=ytid&_size=2");
        Assert.Equal(["rowid", "ytid", "caption"], col.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(3, col.GetProperty("rows")[0].EnumerateObject().Count());
        var nocol = await Client.GetJson(Table + ".json?_nocol=caption&_nocol=meta&_size=2");
        Assert.Equal(["rowid", "ytid", "aspect_list", "author_id", "recorded"], nocol.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Search_column_size_max_and_json_columns()
    {
        var search = await Client.GetJson(Table + ".json?_search_caption=mellow&_size=max");
        Assert.Equal(server.Rows.Count(r => r.Caption.Contains("mellow")), search.Count());
        Assert.Equal(server.Rows.Count(r => r.Caption.Contains("mellow")), search.GetProperty("rows").GetArrayLength());
        Assert.Equal(1000, search.GetProperty("query").GetProperty("size").GetInt32());

        var json = await Client.GetJson(Table + ".json?_json=meta&_size=2");
        var meta = json.GetProperty("rows")[1].GetProperty("meta");
        Assert.Equal(JsonValueKind.Object, meta.ValueKind);
        Assert.Equal(1, meta.GetProperty("n").GetInt32());
        var plain = await Client.GetJson(Table + ".json?_size=2");
        Assert.Equal(JsonValueKind.String, plain.GetProperty("rows")[1].GetProperty("meta").ValueKind);
    }

    public static TheoryData<string, string> Filters() => new()
    {
        { "caption__like=%25PIANO%25", "like" },
        { "caption__notcontains=piano", "notcontains" },
        { "caption__glob=a%20mellow*", "glob" },
        { "recorded__date=2023-03-04", "date" },
        { "aspect_list__arraycontains=men%27s%20voice", "arraycontains" },
        { "aspect_list__arraynotcontains=piano", "arraynotcontains" },
        { "author_id__notin=1,2", "notin" },
        { "caption__endswith=7", "endswith" },
        { "caption__notnull=1", "notnull" },
        { "caption__isblank=1", "isblank" },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Datasette_filters_count_what_they_say(string query, string op)
    {
        Func<DatasetteFixture.Clip, bool> match = op switch
        {
            "like" => r => r.Caption.Contains("piano", StringComparison.OrdinalIgnoreCase),
            "notcontains" => r => !r.Caption.Contains("piano", StringComparison.OrdinalIgnoreCase),
            "glob" => r => r.Caption.StartsWith("a mellow", StringComparison.Ordinal),
            "date" => r => r.Recorded.StartsWith("2023-03-04", StringComparison.Ordinal),
            "arraycontains" => r => r.Aspects.Contains("men's voice"),
            "arraynotcontains" => r => !r.Aspects.Contains("piano"),
            "notin" => r => r.AuthorId is not (1 or 2),
            "endswith" => r => r.Caption.EndsWith('7'),
            "notnull" => _ => true,
            _ => _ => false,
        };
        long expected = server.Rows.Count(match);
        var page = await Client.GetJson(Table + ".json?" + query);
        Assert.Equal(expected, page.Count());
        Assert.Equal(op, page.GetProperty("query").GetProperty("filters")[0].GetProperty("op").GetString());
    }

    [Fact]
    public async Task MusicCaps_aspect_list_array_facet_counts_elements_including_apostrophes()
    {
        var page = await Client.GetJson(Table + ".json?_facet_array=aspect_list&_size=1");
        var facet = page.GetProperty("facets").GetProperty("aspect_list (array)");
        Assert.Equal("array", facet.GetProperty("type").GetString());
        var counts = facet.GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("value").GetString()!, v => v.GetProperty("count").GetInt64());
        foreach (string a in DatasetteFixture.Aspects)
            Assert.Equal(server.Rows.Count(r => r.Aspects.Contains(a)), counts[a]);
        // Following a value's toggle_url filters by it.
        string toggle = facet.GetProperty("values").EnumerateArray().Single(v => v.GetProperty("value").GetString() == "children's song").GetProperty("toggle_url").GetString()!;
        Assert.Contains("aspect_list__arraycontains=", toggle);
        var filtered = await Client.GetJson(toggle);
        Assert.Equal(counts["children's song"], filtered.Count());
        Assert.True(filtered.GetProperty("facets").GetProperty("aspect_list (array)").GetProperty("values").EnumerateArray()
            .Single(v => v.GetProperty("value").GetString() == "children's song").GetProperty("selected").GetBoolean());
    }

    [Fact]
    public async Task Date_facet_over_a_search_counts_days()
    {
        var page = await Client.GetJson(Table + ".json?_search=piano&_facet_date=recorded&_size=1");
        var facet = page.GetProperty("facets").GetProperty("recorded (date)");
        var expected = server.Rows.Where(r => r.Caption.Contains("piano")).GroupBy(r => r.Recorded[..10])
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}");
        Assert.Equal(expected, facet.GetProperty("values").EnumerateArray().Select(v => $"{v.GetProperty("value").GetString()}={v.GetProperty("count").GetInt64()}"));
    }

    [Fact]
    public async Task Facet_size_truncates_and_more_url_shows_the_rest()
    {
        var page = await Client.GetJson(Table + ".json?_facet=ytid&_facet_size=4&_size=1");
        var facet = page.GetProperty("facets").GetProperty("ytid");
        Assert.Equal(4, facet.GetProperty("values").GetArrayLength());
        Assert.True(facet.GetProperty("truncated").GetBoolean());
        var more = await Client.GetJson(facet.GetProperty("more_url").GetString()!);
        var all = more.GetProperty("facets").GetProperty("ytid");
        Assert.Equal(DatasetteFixture.RowCount, all.GetProperty("values").GetArrayLength());
        Assert.False(all.GetProperty("truncated").GetBoolean());
        var nofacet = await Client.GetJson(Table + ".json?_facet=ytid&_nofacet=1&_nocount=1");
        Assert.Empty(nofacet.GetProperty("facets").EnumerateObject());
        Assert.Equal(JsonValueKind.Null, nofacet.GetProperty("count").ValueKind);
    }

    [Fact]
    public async Task Suggested_facets_for_the_current_rows_include_array_and_date()
    {
        var page = await Client.GetJson(Table + ".json?_search=piano&_size=1");
        var suggested = page.GetProperty("suggested_facets").EnumerateArray()
            .Select(s => $"{s.GetProperty("name").GetString()}:{s.GetProperty("type").GetString()}").ToList();
        Assert.Contains("aspect_list:array", suggested);
        Assert.Contains("recorded:date", suggested);
        Assert.Contains("author_id:column", suggested);
        Assert.DoesNotContain("caption:column", suggested);
        var none = await Client.GetJson(Table + ".json?_search=piano&_size=1&_nosuggest=1");
        Assert.Empty(none.GetProperty("suggested_facets").EnumerateArray());
    }

    [Fact]
    public async Task SQL_link_carries_the_search_filters_and_sort()
    {
        string html = await Client.GetStringAsync(Table + "?_search=piano&author_id__gte=2&aspect_list__arraycontains=men%27s%20voice&_sort_desc=recorded&_size=20");
        var link = Regex.Match(html, "class=\"sql-link\" href=\"([^\"]+)\"");
        Assert.True(link.Success);
        string url = WebUtility.HtmlDecode(link.Groups[1].Value);
        string sql = Uri.UnescapeDataString(url[(url.IndexOf("sql=", StringComparison.Ordinal) + 4)..]);
        Assert.Contains("piano", sql);
        Assert.Contains("author_id", sql);
        Assert.Contains("'men''s voice'", sql);
        Assert.Contains("DESC", sql);
        var viaSql = await Client.GetJson(url.Replace("/-/query?", "/-/query.json?"));
        var viaTable = await Client.GetJson(Table + ".json?_search=piano&author_id__gte=2&aspect_list__arraycontains=men%27s%20voice&_sort_desc=recorded&_size=20");
        Assert.Equal(viaTable.RowIds(), viaSql.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("rowid").GetInt64()));
        Assert.True(viaTable.RowIds().Any());
    }

    [Fact]
    public async Task Query_results_as_csv_jsonl_and_array()
    {
        string sql = Uri.EscapeDataString("select ytid, author_id from zz_musiccaps where author_id = 3 order by rowid limit 5");
        string csv = await Client.GetStringAsync("/caps/-/query.csv?sql=" + sql);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("ytid,author_id", lines[0]);
        Assert.Equal(server.Rows.Where(r => r.AuthorId == 3).Take(5).Select(r => $"{r.Ytid},3"), lines.Skip(1));
        string jsonl = await Client.GetStringAsync("/caps/-/query.jsonl?sql=" + sql);
        Assert.Equal(5, jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var array = await Client.GetJson("/caps/-/query.json?_shape=array&sql=" + sql);
        Assert.Equal(5, array.GetArrayLength());
        var (status, body) = await Get(Client, "/caps/-/query.json?_shape=object&sql=" + sql);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("_shape=object", body);
        var (unknown, _) = await Get(Client, "/caps/-/query.json?_bogus=1&sql=" + sql);
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
    }

    [Fact]
    public async Task Nodb_json_names_the_dataset_not_the_file()
    {
        var error = await Client.GetJson("/nodb.json", HttpStatusCode.NotFound);
        Assert.Contains("no dataset named 'nodb'", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Versions_json_is_served_not_a_dataset_named_dash()
    {
        var versions = await Client.GetJson("/-/versions.json");
        Assert.Matches(@"^3\.\d+\.\d+", versions.GetProperty("sqlite").GetProperty("version").GetString());
        Assert.Contains("FTS5", versions.GetProperty("sqlite").GetProperty("fts_versions").EnumerateArray().Select(v => v.GetString()));
        Assert.False(string.IsNullOrEmpty(versions.GetProperty("trawl").GetProperty("version").GetString()));

        var databases = await Client.GetJson("/-/databases.json");
        Assert.Equal("caps", Assert.Single(databases.EnumerateArray()).GetProperty("name").GetString());
        var settings = await Client.GetJson("/-/settings.json");
        Assert.Equal(2000, settings.GetProperty("sql_time_limit_ms").GetInt64());
        Assert.Equal(100, settings.GetProperty("default_page_size").GetInt64());
        var metadata = await Client.GetJson("/-/metadata.json");
        Assert.Equal(JsonValueKind.Object, metadata.ValueKind);
        await Client.GetJson("/-/nothing.json", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Default_table_of_a_multi_table_dataset_is_the_first_ingested()
    {
        var db = await Client.GetJson("/caps.json");
        Assert.Equal(["zz_musiccaps", "videos", "authors", "musiccaps_details"], db.GetProperty("dataset").GetProperty("tables").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Search_page_highlights_matches_and_encodes_the_rest()
    {
        string html = await Client.GetStringAsync(Table + "?_search=piano&_size=300");
        Assert.Contains("<mark>piano</mark>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("<script>alert(1)</script>", html);
        Assert.Contains("class=\"snippet\"", html);
        string plain = await Client.GetStringAsync(Table + "?_size=5");
        Assert.DoesNotContain("<mark>", plain);
    }

    [Fact]
    public async Task Column_menu_offers_sort_facets_and_hide_for_every_column()
    {
        string html = await Client.GetStringAsync(Table + "?_size=3");
        foreach (string column in new[] { "ytid", "aspect_list", "author_id", "recorded" })
        {
            Assert.Contains($"aria-label=\"Options for {column}\"", html);
            Assert.Contains(WebUtility.HtmlEncode($"_facet_array={column}"), html);
        }
        Assert.Contains("data-action=\"hide\"", html);
    }
}
