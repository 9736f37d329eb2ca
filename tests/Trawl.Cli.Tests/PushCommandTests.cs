using Trawl.ClickHouse.Engines;
using Trawl.ClickHouse.Tests.Engines;

namespace Trawl.Cli.Tests;

public sealed class PushCommandTests(KnnDemoFixture demo) : IClassFixture<KnnDemoFixture>
{
    [SkippableFact]
    public void Push_sends_the_demo_dataset_and_a_rerun_sends_nothing()
    {
        using var servers = new ClickHouseServers();
        using var engine = servers.NewDatabase("clipush");
        var uri = servers.Uri(0, engine.Database).ToString();

        var first = CliRun.Of("push", demo.Dataset, uri, "--table", "demo", "--block-rows", "1000", "--json").Ok().Json();
        Assert.Equal(demo.Count, first.GetProperty("rows_pushed").GetInt64());
        Assert.Equal(demo.Count, first.GetProperty("rows_in_table").GetInt64());
        Assert.Contains(first.GetProperty("columns").EnumerateArray(), c => c.GetProperty("name").GetString() == "image_embedding");
        Assert.Equal(demo.Count, engine.Query("SELECT count() FROM demo").ScalarInt64());

        var again = CliRun.Of("push", demo.Dataset, uri, "--table", "demo", "--block-rows", "1000", "--json").Ok().Json();
        Assert.Equal(0, again.GetProperty("rows_pushed").GetInt64());
        Assert.Equal(demo.Count, again.GetProperty("rows_already_there").GetInt64());

        var cluster = CliRun.Of("push", demo.Dataset, uri, "--table", "demo_sharded", "--cluster", ClickHouseServers.Cluster, "--vectors", "", "--block-rows", "1000").Ok();
        Assert.Contains("Distributed over demo_sharded_local", cluster.Out);
        Assert.Equal(demo.Count, engine.Query("SELECT count() FROM demo_sharded").ScalarInt64());
    }

    [SkippableFact]
    public void Search_facets_sql_and_knn_take_a_clickhouse_uri_and_agree_with_the_dataset()
    {
        using var servers = new ClickHouseServers();
        using var engine = servers.NewDatabase("cliquery");
        var uri = servers.Uri(0, engine.Database).ToString();
        CliRun.Of("push", demo.Dataset, uri, "--table", "demo").Ok();

        // A word that is no part of another demo word: 18.16 matches words as substrings (docs/clickhouse.md).
        string word = "corgi";
        var embedded = CliRun.Of("search", demo.Dataset, word, "--count").Ok().Out.Trim();
        var pushed = CliRun.Of("search", uri, word, "--count").Ok().Out.Trim();
        Assert.Equal(embedded, pushed);

        var info = CliRun.Of("info", uri, "--json").Ok();
        Assert.Contains("demo", info.Out);

        var sql = CliRun.Of("sql", uri, "SELECT count() AS n FROM demo", "--json").Ok();
        Assert.Contains(demo.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), sql.Out);
        var write = CliRun.Of("sql", uri, "DROP TABLE demo");
        Assert.Equal(1, write.ExitCode);

        var knnEmbedded = CliRun.Of("knn", demo.Dataset, "--row", "12", "--k", "10", "--exact", "--json").Ok().Json();
        var knnPushed = CliRun.Of("knn", uri, "--row", "12", "--k", "10", "--json").Ok().Json();
        Assert.Equal(Ids(knnEmbedded), Ids(knnPushed));
    }

    [SkippableFact]
    public async Task Serve_of_a_clickhouse_uri_answers_the_table_page_with_search_and_facets_and_sql()
    {
        using var servers = new ClickHouseServers();
        using var engine = servers.NewDatabase("cliserve");
        var uri = servers.Uri(0, engine.Database).ToString();
        CliRun.Of("push", demo.Dataset, uri, "--table", "demo").Ok();
        long corgis = long.Parse(CliRun.Of("search", demo.Dataset, "corgi", "--count").Ok().Out.Trim(), System.Globalization.CultureInfo.InvariantCulture);

        var output = new StringWriter();
        var syncOut = TextWriter.Synchronized(output);
        using var cancel = new CancellationTokenSource();
        var terminal = new CliTerminal(syncOut, TextWriter.Synchronized(new StringWriter()), false, false, cancel.Token);
        Task<int> serving = Task.Run(() => Cli.Run(["serve", uri, "--port", "0"], terminal));
        string? url = null;
        for (int i = 0; i < 600 && url is null && !serving.IsCompleted; i++)
        {
            await Task.Delay(50);
            string printed;
            lock (syncOut)
                printed = output.ToString();
            var m = System.Text.RegularExpressions.Regex.Match(printed, @"http://127\.0\.0\.1:\d+/");
            if (m.Success)
                url = m.Value;
        }
        Assert.True(url is not null, "no URL printed: " + output + (serving.IsCompleted ? " exit " + serving.Result : ""));
        using var http = new HttpClient();
        var page = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"{url}{engine.Database}/demo.json?_search=corgi&_size=5")).RootElement;
        Assert.Equal(corgis, page.GetProperty("count").GetInt64());
        Assert.Equal(Math.Min(5, corgis), page.GetProperty("rows").GetArrayLength());
        Assert.Equal("relevance", page.GetProperty("ordering").GetString());
        var sql = await http.GetStringAsync($"{url}{engine.Database}/-/query.json?sql=" + Uri.EscapeDataString("SELECT count() AS n FROM demo"));
        Assert.Contains(demo.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), sql);
        var refused = await http.GetAsync($"{url}{engine.Database}/-/query.json?sql=" + Uri.EscapeDataString("DROP TABLE demo"));
        Assert.Equal(400, (int)refused.StatusCode);

        cancel.Cancel();
        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [SkippableFact]
    public void Vector_type_float32_is_the_guides_column_and_bfloat16_is_refused_by_a_server_without_it()
    {
        using var servers = new ClickHouseServers();
        using var engine = servers.NewDatabase("clivtype");
        var uri = servers.Uri(0, engine.Database).ToString();
        var refused = CliRun.Of("push", demo.Dataset, uri, "--table", "demo", "--vector-type", "bfloat16");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("BFloat16", refused.Err);
        var unknown = CliRun.Of("push", demo.Dataset, uri, "--table", "demo", "--vector-type", "float8");
        Assert.Equal(1, unknown.ExitCode);
        var pushed = CliRun.Of("push", demo.Dataset, uri, "--table", "demo", "--vector-type", "float32", "--json").Ok().Json();
        Assert.Contains(pushed.GetProperty("columns").EnumerateArray(),
            c => c.GetProperty("name").GetString() == "image_embedding" && c.GetProperty("type").GetString() == "Array(Float32)");
        var auto = CliRun.Of("push", demo.Dataset, uri, "--table", "demo_auto", "--vectors", "image", "--json").Ok().Json();
        Assert.Contains(auto.GetProperty("columns").EnumerateArray(), c => c.GetProperty("type").GetString() == "Array(Float32)");
    }

    [SkippableFact]
    public void Text_index_on_is_refused_by_a_server_without_it_and_auto_makes_none_there()
    {
        using var servers = new ClickHouseServers();
        using var engine = servers.NewDatabase("clitext");
        var uri = servers.Uri(0, engine.Database).ToString();
        var refused = CliRun.Of("push", demo.Dataset, uri, "--table", "demo", "--vectors", "", "--text-index", "on");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("no full-text (text) index", refused.Err);
        Assert.Equal(1, CliRun.Of("push", demo.Dataset, uri, "--table", "demo", "--text-index", "maybe").ExitCode);
        var auto = CliRun.Of("push", demo.Dataset, uri, "--table", "demo", "--vectors", "", "--json").Ok().Json();
        Assert.Empty(auto.GetProperty("text_index").EnumerateArray());
        var off = CliRun.Of("push", demo.Dataset, uri, "--table", "demo_off", "--vectors", "", "--text-index", "off", "--json").Ok().Json();
        Assert.Empty(off.GetProperty("text_index").EnumerateArray());
        Assert.Contains("--text-index", CliRun.Of("push", "--help").Ok().Out);
    }

    private static List<long> Ids(System.Text.Json.JsonElement knn) =>
        knn.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("rowid").GetInt64()).ToList();

    [Fact]
    public void A_target_that_is_not_a_clickhouse_uri_is_a_user_error()
    {
        var run = CliRun.Of("push", demo.Dataset, "http://127.0.0.1:8123/db");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not a ClickHouse URI", run.Err);
    }

    [Fact]
    public void A_password_in_the_uri_is_refused()
    {
        var run = CliRun.Of("push", demo.Dataset, "clickhouse://u:secret@127.0.0.1:1/db");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--password-file", run.Err);
        Assert.DoesNotContain("secret", run.Err);
    }

    [Fact]
    public void No_server_listening_is_a_user_error_naming_it()
    {
        var run = CliRun.Of("push", demo.Dataset, "clickhouse://127.0.0.1:1/db");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("127.0.0.1:1", run.Err);
    }
}
