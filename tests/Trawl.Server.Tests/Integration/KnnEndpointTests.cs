using System.Net;
using System.Text;
using System.Text.Json;

namespace Trawl.Server.Tests.Integration;

public sealed class KnnEndpointTests(KnnServerFixture f) : IClassFixture<KnnServerFixture>
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> Post(string json)
    {
        using var response = await f.Client.PostAsync("/knn/-/knn", new StringContent(json, Encoding.UTF8, "application/json"));
        string body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }

    private static float[] Query(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, KnnServerFixture.Dimension).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    [Fact]
    public async Task Get_by_row_returns_the_naive_nearest_rows_without_the_row_with_similarities()
    {
        var page = await f.Client.GetJson("/knn/-/knn?row=10&k=4");
        Assert.True(page.GetProperty("ok").GetBoolean());
        Assert.Equal(f.NaiveTop(f.Row(10), 4, id => id != 10), page.RowIds());
        var rows = page.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal("similarity", page.GetProperty("similarity_field").GetString());
        Assert.All(rows, r => Assert.True(r.TryGetProperty("similarity", out _)));
        Assert.Equal(f.Captions[rows[0].GetProperty("rowid").GetInt64()], rows[0].GetProperty("caption").GetString());
        Assert.Equal(0, page.GetProperty("dropped").GetInt32());
        Assert.True(page.GetProperty("elapsed_ms").GetDouble() >= 0);
    }

    [Fact]
    public async Task Post_takes_clip_retrieval_fields_and_matches_a_naive_scan()
    {
        var q = Query(5);
        string body = JsonSerializer.Serialize(new { embedding_input = q, num_images = 3, modality = "img", indice_name = "laion5B", deduplicate = false });
        var (status, page) = await Post(body);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(f.NaiveTop(q, 3, _ => true), page.RowIds());
    }

    [Fact]
    public async Task Row_vectors_from_the_same_set_still_leave_the_row_out()
    {
        var page = await f.Client.GetJson("/knn/-/knn?row=10&k=4&row_vectors=img");
        Assert.Equal(f.NaiveTop(f.Row(10), 4, id => id != 10), page.RowIds());
        await f.Client.GetJson("/knn/-/knn?row=10&row_vectors=text", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Filters_and_search_restrict_the_neighbours_exactly()
    {
        var page = await f.Client.GetJson("/knn/-/knn?row=7&k=5&category=beta&_search=cat");
        bool Allowed(long id) => id != 7 && f.CategoryOf[id] == "beta" && f.Captions[id].Contains("cat");
        Assert.Equal(f.NaiveTop(f.Row(7), 5, Allowed), page.RowIds());
        var (_, posted) = await Post("{\"row\": 7, \"k\": 5, \"category__in\": \"beta\", \"_search\": \"cat\"}");
        Assert.Equal(page.RowIds(), posted.RowIds());
    }

    [Fact]
    public async Task Filter_strategy_is_read_and_an_unknown_one_is_a_400()
    {
        // No index on this set: every strategy answers with the exact scan, and no index plan is reported.
        var page = await f.Client.GetJson("/knn/-/knn?row=7&k=5&category=beta&filter_strategy=walk");
        bool Allowed(long id) => id != 7 && f.CategoryOf[id] == "beta";
        Assert.Equal(f.NaiveTop(f.Row(7), 5, Allowed), page.RowIds());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("filter_plan").ValueKind);
        var bad = await f.Client.GetJson("/knn/-/knn?row=7&k=5&filter_strategy=sideways", HttpStatusCode.BadRequest);
        Assert.Contains("filter_strategy must be auto, walk or exact", bad.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Deduplicate_drops_the_near_copies_and_says_how_many()
    {
        var plain = await f.Client.GetJson("/knn/-/knn?row=0&k=3");
        Assert.Equal([1L, 2L, 3L], plain.RowIds().Order());
        var deduped = await f.Client.GetJson("/knn/-/knn?row=0&k=3&deduplicate=true");
        Assert.True(deduped.GetProperty("dropped").GetInt32() >= 2);
        Assert.True(deduped.RowIds().Count(id => id is >= 1 and <= 3) <= 1);
    }

    [Theory]
    [InlineData("/knn/-/knn?embedding_input=[1,2]", "dimension 8")]
    [InlineData("/knn/-/knn?row=abc", "rowid")]
    [InlineData("/knn/-/knn?row=999", "no row 999")]
    [InlineData("/knn/-/knn?row=1&k=0", "k must be")]
    [InlineData("/knn/-/knn?row=1&modality=text", "no vector set 'text'")]
    [InlineData("/knn/-/knn?text=a%20cat", "needs a CLIP model")]
    [InlineData("/knn/-/knn?row=1&nope__exact=1", "no column 'nope'")]
    [InlineData("/knn/-/knn?embedding_input=[1,2,3,4,5,6,7,1e999]", "not a finite number")]
    public async Task Bad_requests_are_400s_in_the_json_error_shape(string url, string message)
    {
        var error = await f.Client.GetJson(url, HttpStatusCode.BadRequest);
        Assert.False(error.GetProperty("ok").GetBoolean());
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Contains(message, error.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1, 2]", "JSON object")]
    [InlineData("{\"embedding_input\": [1, \"x\", 3, 4, 5, 6, 7, 8]}", "item 1")]
    public async Task Bad_post_bodies_are_400s(string body, string message)
    {
        var (status, error) = await Post(body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Row_page_shows_a_grid_of_similar_thumbnails_with_everything_encoded()
    {
        string html = await f.Client.GetStringAsync("/knn/pics/0");
        Assert.Contains("id=\"similar\"", html);
        Assert.Contains("Similar rows", html);
        // Row 2 (hostile caption and URL) is one of row 0's nearest neighbours.
        Assert.Contains("&lt;script&gt;alert(&#39;knn&#39;)&lt;/script&gt;", html);
        Assert.DoesNotContain("<script>alert('knn')", html);
        Assert.DoesNotContain("a\"b<c>", html);
        foreach (long id in f.NaiveTop(f.Row(0), 12, id => id != 0).Where(id => id != 2))
            Assert.Contains($"src=\"https://img.example.com/{id}.jpg\"", html);
        Assert.Contains("href=\"/knn/pics/1\"", html);
    }

    [Fact]
    public async Task Row_page_neighbours_honour_the_search_and_filters_in_its_query_string()
    {
        string html = await f.Client.GetStringAsync("/knn/pics/7?category=beta&_search=cat");
        Assert.Contains("among those matching", html);
        var expected = f.NaiveTop(f.Row(7), 12, id => id != 7 && f.CategoryOf[id] == "beta" && f.Captions[id].Contains("cat"));
        Assert.NotEmpty(expected);
        foreach (long id in expected)
            Assert.Contains($"href=\"/knn/pics/{id}\"", html);
        var outside = Enumerable.Range(0, KnnServerFixture.Count).Where(id => id != 7 && f.CategoryOf[id] != "beta");
        Assert.All(outside, id => Assert.DoesNotContain($"src=\"https://img.example.com/{id}.jpg\"", html));
    }

    [Fact]
    public async Task Table_page_similar_links_carry_the_search_and_filters()
    {
        string html = await f.Client.GetStringAsync("/knn/pics?_search=cat&category=beta&_sort=rowid");
        Assert.Matches("href=\"/knn/pics/\\d+\\?(_search=cat&amp;category=beta|category=beta&amp;_search=cat)#similar\"", html);
        Assert.DoesNotContain("_sort=rowid#similar", html);
    }

    [Fact]
    public async Task Table_page_links_every_row_to_its_similar_rows()
    {
        string html = await f.Client.GetStringAsync("/knn/pics");
        Assert.Contains("href=\"/knn/pics/5#similar\"", html);
        Assert.Equal(KnnServerFixture.Count, html.Split("class=\"similar-link\"").Length - 1);
    }
}
