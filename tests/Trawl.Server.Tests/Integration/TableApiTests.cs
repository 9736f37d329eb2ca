using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Trawl.Server.Tests.Integration;

public sealed class TableApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task Index_json_lists_the_dataset_and_its_tables_with_row_counts()
    {
        var index = await Client.GetJson("/.json");
        Assert.True(index.GetProperty("ok").GetBoolean());
        var dataset = Assert.Single(index.GetProperty("datasets").EnumerateArray());
        Assert.Equal("sample", dataset.GetProperty("name").GetString());
        var table = dataset.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "photos");
        Assert.Equal(ServerFixture.RowCount, table.GetProperty("rows").GetInt64());

        var db = await Client.GetJson("/sample.json");
        Assert.Equal(["clips", "photos"], db.GetProperty("dataset").GetProperty("tables").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order());
    }

    [Fact]
    public async Task Table_json_has_columns_rows_as_objects_count_and_next()
    {
        var page = await Client.GetJson("/sample/photos.json");
        Assert.True(page.GetProperty("ok").GetBoolean());
        Assert.Equal(["rowid", "url", "caption", "domain", "width", "score", "tag"], page.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(ServerFixture.RowCount, page.Count());
        Assert.Equal(100, page.GetProperty("rows").GetArrayLength());
        var first = page.GetProperty("rows")[0];
        Assert.Equal(JsonValueKind.Object, first.ValueKind);
        Assert.Equal(server.Rows[0].Caption, first.GetProperty("caption").GetString());
        Assert.Equal(server.Rows[0].Width, first.GetProperty("width").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, page.GetProperty("next").ValueKind);
        Assert.StartsWith(server.BaseUrl, page.GetProperty("next_url").GetString());
        Assert.True(page.GetProperty("elapsed_ms").GetDouble() >= 0);
    }

    [Fact]
    public async Task Shape_arrays_gives_rows_as_arrays_in_column_order()
    {
        var page = await Client.GetJson("/sample/photos.json?_shape=arrays&_size=3");
        var row = page.GetProperty("rows")[1];
        Assert.Equal(JsonValueKind.Array, row.ValueKind);
        Assert.Equal(1, row[0].GetInt64());
        Assert.Equal(server.Rows[1].Domain, row[3].GetString());
    }

    [Theory]
    [InlineData(37)]
    [InlineData(100)]
    [InlineData(1000)]
    public async Task Pagination_visits_every_row_once(int size)
    {
        var ids = await Client.AllRowIds($"/sample/photos.json?_size={size}");
        Assert.Equal(server.Rows.Select(r => r.RowId), ids);
    }

    [Fact]
    public async Task Pagination_with_a_sort_and_filter_visits_every_matching_row_in_order()
    {
        var ids = await Client.AllRowIds("/sample/photos.json?_size=13&_sort_desc=score&domain=pinimg.com");
        var expected = server.Rows.Where(r => r.Domain == "pinimg.com").OrderByDescending(r => r.Score).ThenByDescending(r => r.RowId).Select(r => r.RowId).ToList();
        Assert.Equal(expected.Order(), ids.Order());
        var scores = ids.Select(id => server.Rows[(int)id].Score).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    [Fact]
    public async Task Search_finds_the_rows_whose_caption_has_the_word()
    {
        var page = await Client.GetJson("/sample/photos.json?_search=zebra&_size=1000");
        var expected = server.Rows.Where(r => r.Caption.Split(' ').Contains("zebra")).Select(r => r.RowId).Order();
        Assert.Equal(expected, page.RowIds().Order());
        Assert.Equal(expected.Count(), page.Count());
    }

    [Fact]
    public async Task Search_keeps_a_quoted_phrase_a_phrase()
    {
        var page = await Client.GetJson("/sample/photos.json?_search=" + Uri.EscapeDataString("\"hello, world\" dog"));
        Assert.Equal([4L], page.RowIds());
    }

    [Theory]
    [InlineData("cat AND (")]
    [InlineData("\"unbalanced")]
    [InlineData("-dog* NEAR(")]
    [InlineData("caption:cat")]
    public async Task Plain_search_with_fts_syntax_is_never_an_error(string search)
    {
        var page = await Client.GetJson("/sample/photos.json?_search=" + Uri.EscapeDataString(search));
        Assert.True(page.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Raw_search_with_bad_fts_syntax_is_a_400_not_a_500()
    {
        var error = await Client.GetJson("/sample/photos.json?_searchmode=raw&_search=" + Uri.EscapeDataString("cat AND (\""), HttpStatusCode.BadRequest);
        Assert.False(error.GetProperty("ok").GetBoolean());
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Raw_search_accepts_fts_syntax()
    {
        var page = await Client.GetJson("/sample/photos.json?_size=1000&_searchmode=raw&_search=" + Uri.EscapeDataString("zebra OR otter"));
        var expected = server.Rows.Where(r => r.Caption.Contains("zebra") || r.Caption.Contains("otter")).Select(r => r.RowId).Order();
        Assert.Equal(expected, page.RowIds().Order());
    }

    public static TheoryData<string, string> FilterCases => new()
    {
        { "domain__exact=flickr.com", "exact" },
        { "domain=flickr.com", "plain" },
        { "domain__not=flickr.com", "not" },
        { "caption__contains=otter", "contains" },
        { "caption__startswith=a%20red", "startswith" },
        { "width__gt=300", "gt" },
        { "width__gte=300", "gte" },
        { "score__lt=2.5", "lt" },
        { "score__lte=2.59", "lte" },
        { "tag__in=photo,render", "in" },
        { "tag__isnull=1", "isnull" },
        { "tag__isnull=0", "notnull" },
    };

    [Theory]
    [MemberData(nameof(FilterCases))]
    public async Task Each_filter_op_matches_the_rows_it_should(string query, string op)
    {
        Func<SampleRow, bool> predicate = op switch
        {
            "exact" or "plain" => r => r.Domain == "flickr.com",
            "not" => r => r.Domain != "flickr.com",
            "contains" => r => r.Caption.Contains("otter"),
            "startswith" => r => r.Caption.StartsWith("a red", StringComparison.Ordinal),
            "gt" => r => r.Width > 300,
            "gte" => r => r.Width >= 300,
            "lt" => r => r.Score < 2.5,
            "lte" => r => r.Score <= 2.59,
            "in" => r => r.Tag is "photo" or "render",
            "isnull" => r => r.Tag is null,
            "notnull" => r => r.Tag is not null,
            _ => throw new ArgumentException(op),
        };
        var expected = server.Rows.Where(predicate).Select(r => r.RowId).Order().ToList();
        Assert.NotEmpty(expected);
        var ids = await Client.AllRowIds($"/sample/photos.json?_size=1000&{query}");
        Assert.Equal(expected, ids.Order());
        var page = await Client.GetJson($"/sample/photos.json?_size=5&{query}");
        Assert.Equal(expected.Count, page.Count());
    }

    [Fact]
    public async Task Facets_count_values_among_the_matching_rows()
    {
        var page = await Client.GetJson("/sample/photos.json?_facet=domain&_facet=tag&width__gte=200");
        var matching = server.Rows.Where(r => r.Width >= 200).ToList();
        var domain = page.GetProperty("facets").GetProperty("domain").GetProperty("values").EnumerateArray()
            .ToDictionary(v => v.GetProperty("value").GetString()!, v => v.GetProperty("count").GetInt64());
        Assert.Equal(matching.GroupBy(r => r.Domain).ToDictionary(g => g.Key, g => (long)g.Count()), domain);
        var tags = page.GetProperty("facets").GetProperty("tag").GetProperty("values").EnumerateArray()
            .ToDictionary(v => v.GetProperty("value").GetString() ?? "(null)", v => v.GetProperty("count").GetInt64());
        Assert.Equal(matching.GroupBy(r => r.Tag ?? "(null)").ToDictionary(g => g.Key, g => (long)g.Count()), tags);
    }

    [Fact]
    public async Task Facet_toggle_url_adds_the_filter_and_marks_the_value_selected()
    {
        var page = await Client.GetJson("/sample/photos.json?_facet=domain");
        var value = page.GetProperty("facets").GetProperty("domain").GetProperty("values")[0];
        Assert.False(value.GetProperty("selected").GetBoolean());
        string name = value.GetProperty("value").GetString()!;
        var filtered = await Client.GetJson(value.GetProperty("toggle_url").GetString()!);
        Assert.Equal(value.GetProperty("count").GetInt64(), filtered.Count());
        var selected = Assert.Single(filtered.GetProperty("facets").GetProperty("domain").GetProperty("values").EnumerateArray());
        Assert.Equal(name, selected.GetProperty("value").GetString());
        Assert.True(selected.GetProperty("selected").GetBoolean());
        var back = await Client.GetJson(selected.GetProperty("toggle_url").GetString()!);
        Assert.Equal(ServerFixture.RowCount, back.Count());
    }

    [Fact]
    public async Task Suggested_facets_name_low_cardinality_columns()
    {
        var page = await Client.GetJson("/sample/photos.json");
        var names = page.GetProperty("suggested_facets").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.Contains("domain", names);
        Assert.Contains("tag", names);
        Assert.DoesNotContain("caption", names);
    }

    [Fact]
    public async Task Histogram_bins_add_up_to_the_numeric_rows()
    {
        var page = await Client.GetJson("/sample/photos.json?_histogram=width");
        var h = page.GetProperty("histograms").GetProperty("width");
        long total = h.GetProperty("bins").EnumerateArray().Sum(b => b.GetProperty("count").GetInt64());
        Assert.Equal(server.Rows.Count(r => r.Width is not null), total);
        Assert.Equal(server.Rows.Count(r => r.Width is null), h.GetProperty("null_count").GetInt64());
        Assert.Equal(server.Rows.Max(r => r.Width)!.Value, h.GetProperty("max").GetDouble());
    }

    [Fact]
    public async Task Sort_orders_rows_both_ways()
    {
        var asc = await Client.GetJson("/sample/photos.json?_sort=score&_size=1000");
        var scores = asc.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.Order(), scores);
        var desc = await Client.GetJson("/sample/photos.json?_sort_desc=score&_size=1000");
        scores = desc.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    [Fact]
    public async Task Row_json_has_every_column()
    {
        var row = await Client.GetJson("/sample/photos/2.json");
        Assert.Equal(2, row.GetProperty("row").GetProperty("rowid").GetInt64());
        Assert.Equal(SampleRow.ScriptCaption, row.GetProperty("row").GetProperty("caption").GetString());
        Assert.Equal(server.Rows[2].Score, row.GetProperty("row").GetProperty("score").GetDouble());
    }

    [Theory]
    [InlineData("/nope.json")]
    [InlineData("/nope/photos.json")]
    [InlineData("/sample/nope.json")]
    [InlineData("/sample/photos/99999.json")]
    [InlineData("/sample/photos/abc.json")]
    [InlineData("/sample/photos/1/extra.json")]
    public async Task Unknown_things_are_404_in_the_json_error_shape(string url)
    {
        var error = await Client.GetJson(url, HttpStatusCode.NotFound);
        Assert.False(error.GetProperty("ok").GetBoolean());
        Assert.Equal(404, error.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("error").GetString()));
    }

    [Theory]
    [InlineData("/sample/photos.json?nope=1", "nope")]
    [InlineData("/sample/photos.json?_sort=nope", "nope")]
    [InlineData("/sample/photos.json?_facet=nope", "nope")]
    [InlineData("/sample/photos.json?width__near=1", "near")]
    [InlineData("/sample/photos.json?_size=5000", "_size")]
    [InlineData("/sample/photos.json?_next=garbage", "")]
    [InlineData("/sample/photos.json?_histogram=caption", "caption")]
    [InlineData("/sample/photos.csv?nope=1", "nope")]
    [InlineData("/sample/photos.json?%ZZ=1", "%ZZ")]
    [InlineData("/sample/photos.csv?_searchmode=raw&_search=%22", "")]
    [InlineData("/sample/photos.jsonl?_searchmode=raw&_search=cat+AND", "")]
    [InlineData("/sample/photos.json?_size=%", "_size")]
    [InlineData("/sample/photos.json?_searchmode=raw&_search=%22", "")]
    [InlineData("/sample/photos.json?width__in=%5B1%2C", "")]
    public async Task Bad_parameters_are_400_in_the_json_error_shape(string url, string mentions)
    {
        var error = await Client.GetJson(url, HttpStatusCode.BadRequest);
        Assert.False(error.GetProperty("ok").GetBoolean());
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Contains(mentions, error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Html_errors_are_pages_with_the_encoded_message_and_status()
    {
        using var response = await Client.GetAsync("/sample/photos?" + Uri.EscapeDataString("<b>x</b>") + "=1");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.ToString());
        string html = await response.Content.ReadAsStringAsync();
        Assert.Contains("&lt;b&gt;x&lt;/b&gt;", html);
        Assert.DoesNotContain("<b>x</b>", html);

        using var missing = await Client.GetAsync("/sample/missing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("missing", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Count_is_invariant_to_page_size()
    {
        var a = await Client.GetJson("/sample/photos.json?_size=1&caption__contains=cat");
        var b = await Client.GetJson("/sample/photos.json?_size=1000&caption__contains=cat");
        Assert.Equal(a.Count(), b.Count());
        Assert.Equal(b.GetProperty("rows").GetArrayLength(), b.Count());
        Assert.Equal(server.Rows.Count(r => r.Caption.Contains("cat")).ToString(CultureInfo.InvariantCulture), a.Count().ToString(CultureInfo.InvariantCulture));
    }
}
