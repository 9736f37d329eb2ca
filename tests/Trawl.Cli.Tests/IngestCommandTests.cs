using System.Text.Json;

namespace Trawl.Cli.Tests;

public sealed class IngestCommandTests
{
    [Fact]
    public void Ingest_of_a_missing_file_exits_1_and_names_it()
    {
        using var tmp = new TempFolder();
        string missing = tmp.Combine("nowhere.csv");
        CliRun run = CliRun.Of("ingest", tmp.Combine("d.trawl"), missing);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nowhere.csv", run.Err);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.False(Directory.Exists(tmp.Combine("d.trawl")) && File.Exists(Path.Combine(tmp.Combine("d.trawl"), "meta.db")));
    }

    [Fact]
    public void Ingest_of_a_ragged_csv_exits_1_and_names_the_file_and_line()
    {
        using var tmp = new TempFolder();
        string csv = tmp.File("ragged.csv", "a,b,c\n1,2,3\n4,5,6\n7,8\n9,10,11\n");
        CliRun run = CliRun.Of("ingest", tmp.Combine("d.trawl"), csv);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("ragged.csv", run.Err);
        Assert.Contains("line 4", run.Err);
        Assert.DoesNotContain("   at ", run.Err);
    }

    [Fact]
    public void Ingest_expands_a_wildcard_into_every_matching_file_in_order()
    {
        using var tmp = new TempFolder();
        tmp.File("part-2.csv", "id,text\n3,gamma\n");
        tmp.File("part-1.csv", "id,text\n1,alpha\n2,beta\n");
        tmp.File("other.csv", "id,text\n9,zeta\n");
        string dataset = tmp.Combine("d.trawl");
        JsonElement report = CliRun.Of("ingest", dataset, Path.Combine(tmp.Path, "part-*.csv"), "--table", "parts", "--json").Ok().Json();
        Assert.Equal(3, report.GetProperty("rows_read").GetInt64());
        Assert.Equal(2, report.GetProperty("sources").GetArrayLength());
        Assert.EndsWith("part-1.csv", report.GetProperty("sources")[0].GetString());
        JsonElement rows = CliRun.Of("sql", dataset, "select id from parts order by rowid", "--json").Ok().Json().GetProperty("rows");
        Assert.Equal([1, 2, 3], rows.EnumerateArray().Select(r => r[0].GetInt32()).ToArray());
    }

    [Fact]
    public void Ingest_of_a_wildcard_matching_nothing_exits_1()
    {
        using var tmp = new TempFolder();
        CliRun run = CliRun.Of("ingest", tmp.Combine("d.trawl"), Path.Combine(tmp.Path, "*.jsonl"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("*.jsonl", run.Err);
    }

    [Fact]
    public void Ingest_text_summary_reports_rows_and_filters()
    {
        using var tmp = new TempFolder();
        string csv = tmp.File("items.csv", "id,url,caption\n1,https://a.example/x.jpg,red cat\n2,https://b.example/y.jpg,blue dog\n3,https://a.example/z.jpg,red cat\n");
        CliRun run = CliRun.Of("ingest", tmp.Combine("d.trawl"), csv, "--where", "id > 1", "--derive", "domain=url").Ok();
        Assert.Contains("3 rows read", run.Out);
        Assert.Contains("2 kept", run.Out);
        Assert.Contains("1 filtered out", run.Out);
        JsonElement rows = CliRun.Of("sql", tmp.Combine("d.trawl"), "select domain from items order by rowid", "--json").Ok().Json().GetProperty("rows");
        Assert.Equal(["b.example", "a.example"], rows.EnumerateArray().Select(r => r[0].GetString()!).ToArray());
    }

    [Fact]
    public void Ingest_dedupe_drops_repeated_pairs()
    {
        using var tmp = new TempFolder();
        string csv = tmp.File("items.csv", "id,url,caption\n1,u1,red cat\n2,u2,blue dog\n3,u1,red cat\n4,u1,other\n");
        JsonElement report = CliRun.Of("ingest", tmp.Combine("d.trawl"), csv, "--dedupe", "url,caption", "--json").Ok().Json();
        Assert.Equal(1, report.GetProperty("duplicates").GetInt64());
        Assert.Equal(3, report.GetProperty("rows_kept").GetInt64());
    }

    [Fact]
    public void Ingest_into_an_existing_table_needs_append_or_replace()
    {
        using var tmp = new TempFolder();
        string csv = tmp.File("t.csv", "id,text\n1,alpha\n");
        string dataset = tmp.Combine("d.trawl");
        CliRun.Of("ingest", dataset, csv).Ok();
        Assert.Equal(1, CliRun.Of("ingest", dataset, csv).ExitCode);
        CliRun.Of("ingest", dataset, csv, "--append").Ok();
        JsonElement info = CliRun.Of("info", dataset, "--json").Ok().Json();
        Assert.Equal(2, info.GetProperty("tables")[0].GetProperty("rows").GetInt64());
        CliRun.Of("ingest", dataset, csv, "--replace").Ok();
        info = CliRun.Of("info", dataset, "--json").Ok().Json();
        Assert.Equal(1, info.GetProperty("tables")[0].GetProperty("rows").GetInt64());
    }

    [Theory]
    [InlineData("--append", "--replace")]
    [InlineData("--search", "text", "--no-search")]
    [InlineData("--format", "xml")]
    [InlineData("--no-such-option")]
    public void Ingest_rejects_contradictory_or_unknown_options_with_exit_code_1(params string[] options)
    {
        using var tmp = new TempFolder();
        string csv = tmp.File("t.csv", "id,text,url\n1,alpha,http://x/y.jpg\n");
        CliRun run = CliRun.Of(["ingest", tmp.Combine("d.trawl"), csv, .. options]);
        Assert.Equal(1, run.ExitCode);
        Assert.NotEmpty(run.Err);
        Assert.False(File.Exists(Path.Combine(tmp.Combine("d.trawl"), "meta.db")));
    }

    [Fact]
    public void Ingest_of_jsonl_with_no_search_builds_no_index()
    {
        using var tmp = new TempFolder();
        string jsonl = tmp.File("rows.jsonl", "{\"id\":1,\"caption\":\"a red cat\"}\n{\"id\":2,\"caption\":\"a blue dog\"}\n");
        string dataset = tmp.Combine("d.trawl");
        CliRun.Of("ingest", dataset, jsonl, "--no-search").Ok();
        JsonElement table = CliRun.Of("info", dataset, "--json").Ok().Json().GetProperty("tables")[0];
        Assert.Equal(0, table.GetProperty("search_columns").GetArrayLength());
        CliRun search = CliRun.Of("search", dataset, "cat");
        Assert.Equal(1, search.ExitCode);
        Assert.Contains("--search", search.Err);
    }

    [Fact]
    public void Ingest_index_creates_an_index_on_each_named_column()
    {
        using var tmp = new TempFolder();
        string csv = tmp.File("t.csv", "id,kind,text\n1,a,alpha\n2,b,beta\n");
        string dataset = tmp.Combine("d.trawl");
        CliRun.Of("ingest", dataset, csv, "--index", "kind").Ok();
        JsonElement rows = CliRun.Of("sql", dataset, "select sql from sqlite_master where type = 'index' and tbl_name = 't' and sql is not null", "--json")
            .Ok().Json().GetProperty("rows");
        Assert.Contains(rows.EnumerateArray(), r => r[0].GetString()!.Contains("kind", StringComparison.Ordinal));
        Assert.DoesNotContain(rows.EnumerateArray(), r => r[0].GetString()!.Contains("\"text\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Search_defaults_to_the_first_table_with_full_text_search()
    {
        using var tmp = new TempFolder();
        string dataset = tmp.Combine("d.trawl");
        CliRun.Of("ingest", dataset, tmp.File("plain.csv", "id,note\n1,zebra crossing\n"), "--no-search").Ok();
        CliRun.Of("ingest", dataset, tmp.File("captions.csv", "id,caption\n1,a zebra at the zoo\n2,a lion\n"), "--search", "caption").Ok();
        JsonElement result = CliRun.Of("search", dataset, "zebra", "--json").Ok().Json();
        Assert.Equal("captions", result.GetProperty("table").GetString());
        Assert.Equal(1, result.GetProperty("count").GetInt64());
        CliRun none = CliRun.Of("search", dataset, "zebra", "--table", "plain");
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("plain", none.Err);
    }
}
