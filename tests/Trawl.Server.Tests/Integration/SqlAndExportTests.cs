using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Trawl.Server.Tests.Integration;

public sealed class SqlAndExportTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task Sql_json_returns_columns_and_rows()
    {
        var result = await Client.GetJson("/sample/-/query.json?sql=" + Uri.EscapeDataString("select domain, count(*) as n from photos group by domain order by domain"));
        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.Equal(["domain", "n"], result.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        var counts = result.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("domain").GetString()!, r => r.GetProperty("n").GetInt64());
        Assert.Equal(server.Rows.GroupBy(r => r.Domain).ToDictionary(g => g.Key, g => (long)g.Count()), counts);
        Assert.False(result.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task Sql_binds_named_parameters_from_the_query_string()
    {
        var result = await Client.GetJson("/sample/-/query.json?_shape=arrays&sql=" + Uri.EscapeDataString("select count(*) from photos where domain = :d") + "&d=flickr.com");
        Assert.Equal(server.Rows.Count(r => r.Domain == "flickr.com"), result.GetProperty("rows")[0][0].GetInt64());
    }

    [Fact]
    public async Task Sql_results_are_truncated_at_the_row_limit()
    {
        var result = await Client.GetJson("/sample/-/query.json?sql=" + Uri.EscapeDataString("select * from photos"));
        Assert.True(result.GetProperty("truncated").GetBoolean());
        Assert.Equal(ServerFixture.SqlMaxRows, result.GetProperty("rows").GetArrayLength());

        string html = await Client.GetStringAsync("/sample/-/query?sql=" + Uri.EscapeDataString("select * from photos"));
        Assert.Contains($"truncated at {ServerFixture.SqlMaxRows} rows", html);
    }

    [Theory]
    [InlineData("delete from photos")]
    [InlineData("update photos set caption = 'x'")]
    [InlineData("insert into photos (caption) values ('x')")]
    [InlineData("drop table photos")]
    [InlineData("attach database '/tmp/x.db' as x")]
    [InlineData("pragma journal_mode=delete")]
    [InlineData("select * from nope")]
    [InlineData("selec 1")]
    public async Task Sql_refuses_writes_and_bad_sql_with_400(string sql)
    {
        var error = await Client.GetJson("/sample/-/query.json?sql=" + Uri.EscapeDataString(sql), HttpStatusCode.BadRequest);
        Assert.False(error.GetProperty("ok").GetBoolean());
        Assert.Equal(400, error.GetProperty("status").GetInt32());

        using var page = await Client.GetAsync("/sample/-/query?sql=" + Uri.EscapeDataString(sql));
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("error-message", html);
        Assert.Contains("<textarea", html);

        var count = await Client.GetJson("/sample/photos.json?_size=1");
        Assert.Equal(ServerFixture.RowCount, count.Count());
    }

    [Fact]
    public async Task Sql_past_the_time_limit_is_a_400_that_says_so()
    {
        const string forever = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c";
        var error = await Client.GetJson("/sample/-/query.json?sql=" + Uri.EscapeDataString(forever), HttpStatusCode.BadRequest);
        Assert.Contains("time limit", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Sql_json_without_sql_is_a_400()
    {
        var error = await Client.GetJson("/sample/-/query.json", HttpStatusCode.BadRequest);
        Assert.Contains("sql", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Sql_page_without_sql_shows_the_form()
    {
        string html = await Client.GetStringAsync("/sample/-/query");
        Assert.Contains("<textarea name=\"sql\"", html);
    }

    [Fact]
    public async Task Csv_export_streams_every_matching_row_with_rfc4180_quoting()
    {
        using var response = await Client.GetAsync("/sample/photos.csv?_dl=1", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/csv", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Null(response.Content.Headers.ContentLength);
        string text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\r\n", text);
        using var csv = global::CsvHelper.CsvReader.FromText(text, global::CsvHelper.CsvReaderOptions.Default with { Separator = ',' });
        csv.ReadHeader();
        var records = new List<string[]>();
        while (csv.Read())
            records.Add(Enumerable.Range(0, 7).Select(i => csv.GetString(i)).ToArray());
        Assert.Equal(ServerFixture.RowCount, records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            Assert.Equal(server.Rows[i].RowId.ToString(CultureInfo.InvariantCulture), records[i][0]);
            Assert.Equal(server.Rows[i].Caption, records[i][2]);
            Assert.Equal(server.Rows[i].Tag ?? "", records[i][6]);
        }
    }

    [Fact]
    public async Task Csv_export_applies_search_filters_and_sort()
    {
        string csv = await Client.GetStringAsync("/sample/photos.csv?_search=zebra&domain=pinimg.com&_sort=score");
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("rowid,url,caption,domain,width,score,tag", lines[0]);
        Assert.Equal(server.Rows.Count(r => r.Caption.Split(' ').Contains("zebra") && r.Domain == "pinimg.com"), lines.Length - 1);
    }

    [Fact]
    public async Task Jsonl_export_streams_one_object_per_row()
    {
        using var response = await Client.GetAsync("/sample/photos.jsonl");
        Assert.StartsWith("application/x-ndjson", response.Content.Headers.ContentType?.ToString());
        Assert.Null(response.Content.Headers.ContentDisposition);
        string body = await response.Content.ReadAsStringAsync();
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ServerFixture.RowCount, lines.Length);
        var rows = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(server.Rows.Select(r => r.Caption), rows.Select(r => r.GetProperty("caption").GetString()));
        Assert.Equal(server.Rows.Select(r => r.Score), rows.Select(r => r.GetProperty("score").GetDouble()));
    }

    [Fact]
    public async Task Exports_ignore_the_page_cursor_and_size()
    {
        var page = await Client.GetJson("/sample/photos.json?_size=10");
        string next = page.GetProperty("next").GetString()!;
        string body = await Client.GetStringAsync("/sample/photos.jsonl?_size=10&_next=" + Uri.EscapeDataString(next));
        Assert.Equal(ServerFixture.RowCount, body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
