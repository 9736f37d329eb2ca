using System.Net;
using System.Text.Json;

namespace Trawl.Server.Tests.Integration;

/// <summary>Datasette's label expansion (_labels, _label) and "links from other tables", on the MusicCaps-shaped
/// table whose author_id points at authors.id and ytid at videos.ytid (both recorded with --fk).</summary>
public sealed class ForeignKeyTests(DatasetteFixture server) : IClassFixture<DatasetteFixture>
{
    private HttpClient Client => server.Client;
    private const string Table = "/caps/zz_musiccaps";

    /// <summary>authors.id → the author's rowid, read from the authors table itself.</summary>
    private async Task<Dictionary<long, long>> AuthorRows()
    {
        var authors = await Client.GetJson("/caps/authors.json");
        return authors.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetInt64(), r => r.GetProperty("rowid").GetInt64());
    }

    [Fact]
    public async Task Table_page_links_each_key_to_its_row_under_the_label_and_encodes_the_label()
    {
        var rows = await AuthorRows();
        string html = await Client.GetStringAsync(Table + "?_size=10");
        foreach (var clip in server.Rows.Take(10))
        {
            string label = System.Net.WebUtility.HtmlEncode(DatasetteFixture.AuthorName(clip.AuthorId));
            Assert.Contains($"<a class=\"fk\" href=\"/caps/authors/{rows[clip.AuthorId]}\">{label}</a> <em class=\"fk-key\">{clip.AuthorId}</em>", html);
        }
        Assert.DoesNotContain("<b>Eve</b>", html);
        // id0000 and id0001 have a video row, labelled by its title (Datasette's guess: the column called "title"). ytid is a
        // YouTube column, so its cell keeps its player and the link follows it; id0002.. point at no row and get no link.
        Assert.Contains("<a class=\"fk fk-after\" href=\"/caps/videos/0\">→ first video</a>", html);
        Assert.Contains("<a class=\"fk fk-after\" href=\"/caps/videos/1\">→ second video</a>", html);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(html, "href=\"/caps/videos/"));

        string bare = await Client.GetStringAsync(Table + "?_size=10&_labels=off");
        Assert.DoesNotContain("class=\"fk\"", bare);
    }

    [Fact]
    public async Task Json_expands_labels_only_when_asked_as_Datasette()
    {
        var plain = await Client.GetJson(Table + ".json?_size=5");
        Assert.All(plain.GetProperty("rows").EnumerateArray(), r => Assert.Equal(JsonValueKind.Number, r.GetProperty("author_id").ValueKind));

        var all = await Client.GetJson(Table + ".json?_size=5&_labels=on");
        foreach (var (row, clip) in all.GetProperty("rows").EnumerateArray().Zip(server.Rows))
        {
            var author = row.GetProperty("author_id");
            Assert.Equal(clip.AuthorId, author.GetProperty("value").GetInt64());
            Assert.Equal(DatasetteFixture.AuthorName(clip.AuthorId), author.GetProperty("label").GetString());
        }
        Assert.Equal("first video", all.GetProperty("rows")[0].GetProperty("ytid").GetProperty("label").GetString());
        // A key without a row stays a bare value.
        Assert.Equal("id0002", all.GetProperty("rows")[2].GetProperty("ytid").GetString());

        var one = await Client.GetJson(Table + ".json?_size=5&_label=author_id&_shape=array");
        Assert.Equal(JsonValueKind.Object, one[0].GetProperty("author_id").ValueKind);
        Assert.Equal(JsonValueKind.String, one[0].GetProperty("ytid").ValueKind);
    }

    [Fact]
    public async Task Csv_and_jsonl_with_labels_carry_them_for_every_row()
    {
        string csv = await Client.GetStringAsync(Table + ".csv?_labels=on&_col=author_id");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("rowid,author_id,author_id_label", lines[0].TrimEnd('\r'));
        Assert.Equal(server.Rows.Count + 1, lines.Length);
        foreach (var (line, clip) in lines.Skip(1).Zip(server.Rows))
        {
            string label = DatasetteFixture.AuthorName(clip.AuthorId);
            Assert.Equal($"{clip.RowId},{clip.AuthorId},{label}", line.TrimEnd('\r'));
        }
        string jsonl = await Client.GetStringAsync(Table + ".jsonl?_label=author_id&_col=author_id");
        var parsed = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(server.Rows.Count, parsed.Count);
        Assert.Equal(server.Rows.Select(r => DatasetteFixture.AuthorName(r.AuthorId)), parsed.Select(p => p.GetProperty("author_id").GetProperty("label").GetString()));
    }

    [Fact]
    public async Task Row_page_lists_the_rows_of_other_tables_that_point_at_it()
    {
        var rows = await AuthorRows();
        foreach (long author in new long[] { 1, 4 })
        {
            int expected = server.Rows.Count(r => r.AuthorId == author);
            string html = await Client.GetStringAsync($"/caps/authors/{rows[author]}");
            Assert.Contains("Links from other tables", html);
            Assert.Contains($"<a href=\"/caps/zz_musiccaps?author_id={author}\">{expected} rows</a> from <code>author_id</code> in <code>zz_musiccaps</code>", html);
            var json = await Client.GetJson($"/caps/authors/{rows[author]}.json");
            var link = json.GetProperty("foreign_key_tables").EnumerateArray().Single();
            Assert.Equal(expected, link.GetProperty("count").GetInt64());
            Assert.Equal("zz_musiccaps", link.GetProperty("other_table").GetString());
            // The link's filter finds exactly those rows.
            var linked = await Client.GetJson(Table + $".json?author_id={author}&_size=1");
            Assert.Equal(expected, linked.Count());
        }
        // A video row: one clip points at it, by ytid (a text key).
        string video = await Client.GetStringAsync("/caps/videos/0");
        Assert.Contains("<a href=\"/caps/zz_musiccaps?ytid=id0000\">1 row</a> from <code>ytid</code>", video);
        // And the clip's own row page labels its keys.
        string clipPage = await Client.GetStringAsync("/caps/zz_musiccaps/0");
        Assert.Contains($"<a class=\"fk\" href=\"/caps/authors/{rows[0]}\">Ann</a>", clipPage);
    }

    [Fact]
    public async Task Label_on_a_column_that_is_no_foreign_key_is_a_400_listing_the_keys()
    {
        using var response = await Client.GetAsync(Table + ".json?_label=caption");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Contains("author_id → authors.id", body);
    }

    [Fact]
    public async Task Facet_over_a_foreign_key_carries_each_values_label()
    {
        var page = await Client.GetJson(Table + ".json?_facet=author_id&_size=1");
        var values = page.GetProperty("facets").GetProperty("author_id").GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(5, values.Count);
        Assert.All(values, v => Assert.Equal(DatasetteFixture.AuthorName(v.GetProperty("value").GetInt64()), v.GetProperty("label").GetString()));
        var off = await Client.GetJson(Table + ".json?_facet=author_id&_size=1&_labels=off");
        Assert.False(off.GetProperty("facets").GetProperty("author_id").GetProperty("values")[0].TryGetProperty("label", out _));
        string html = await Client.GetStringAsync(Table + "?_facet=author_id&_size=1");
        Assert.Contains("&lt;b&gt;Eve&lt;/b&gt; (4)", html);
        Assert.DoesNotContain("<b>Eve</b>", html);
    }
}
