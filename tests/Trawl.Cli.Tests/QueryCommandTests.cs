using System.Text.Json;
using Trawl.Cli.Demo;

namespace Trawl.Cli.Tests;

public sealed class QueryCommandTests : IClassFixture<DemoDatasetFixture>
{
    private readonly DemoDatasetFixture _data;

    public QueryCommandTests(DemoDatasetFixture data) => _data = data;

    private string Dataset => _data.Dataset;

    [Fact]
    public void Ingest_json_report_counts_every_row()
    {
        JsonElement report = _data.Ingest.Ok().Json();
        Assert.Equal("laion_sample", report.GetProperty("table").GetString());
        Assert.Equal(DemoDatasetFixture.Rows, report.GetProperty("rows_read").GetInt64());
        Assert.Equal(DemoDatasetFixture.Rows, report.GetProperty("rows_kept").GetInt64() + report.GetProperty("rows_filtered").GetInt64() + report.GetProperty("duplicates").GetInt64());
        Assert.Equal(JsonValueKind.Array, report.GetProperty("columns_added").ValueKind);
    }

    [Fact]
    public void Info_json_lists_the_table_its_columns_and_search_column()
    {
        _data.Ingest.Ok();
        JsonElement info = CliRun.Of("info", Dataset, "--json").Ok().Json();
        JsonElement table = info.GetProperty("tables").EnumerateArray().Single();
        Assert.Equal("laion_sample", table.GetProperty("name").GetString());
        Assert.Equal(DemoDatasetFixture.Rows, table.GetProperty("rows").GetInt64());
        var columns = table.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        foreach (string expected in DemoDataGenerator.Columns.Append("domain"))
            Assert.Contains(expected, columns, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(["TEXT"], table.GetProperty("search_columns").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.True(info.GetProperty("size_bytes").GetInt64() > 0);
    }

    [Fact]
    public void Info_text_shows_row_count_and_columns()
    {
        _data.Ingest.Ok();
        CliRun run = CliRun.Of("info", Dataset).Ok();
        Assert.Contains("laion_sample", run.Out);
        Assert.Contains(DemoDatasetFixture.Rows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), run.Out);
        Assert.Contains("similarity", run.Out);
        Assert.Contains("domain", run.Out);
    }

    [Fact]
    public void Search_json_returns_rows_whose_text_matches_and_a_total()
    {
        _data.Ingest.Ok();
        JsonElement result = CliRun.Of("search", Dataset, "vintage", "--limit", "5", "--json").Ok().Json();
        var rows = result.GetProperty("rows").EnumerateArray().ToList();
        Assert.InRange(rows.Count, 1, 5);
        foreach (JsonElement row in rows)
            Assert.Contains("vintage", row.GetProperty("TEXT").GetString()!, StringComparison.OrdinalIgnoreCase);
        long total = result.GetProperty("count").GetInt64();
        Assert.True(total >= rows.Count);

        string count = CliRun.Of("search", Dataset, "vintage", "--count").Ok().Out.Trim();
        Assert.Equal(total, long.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Search_count_agrees_with_a_like_query_in_sql()
    {
        _data.Ingest.Ok();
        long fts = long.Parse(CliRun.Of("search", Dataset, "corgi", "--count").Ok().Out.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        JsonElement sql = CliRun.Of("sql", Dataset, "select count(*) from laion_sample where TEXT like '%corgi%'", "--json").Ok().Json();
        Assert.Equal(sql.GetProperty("rows")[0][0].GetInt64(), fts);
    }

    [Fact]
    public void Search_jsonl_prints_one_object_per_row()
    {
        _data.Ingest.Ok();
        string[] lines = CliRun.Of("search", Dataset, "cat", "--limit", "3", "--jsonl").Ok().Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 1, 3);
        foreach (string line in lines)
            Assert.True(JsonDocument.Parse(line).RootElement.TryGetProperty("URL", out _));
    }

    [Fact]
    public void Search_text_output_is_a_table_without_terminal_escapes()
    {
        _data.Ingest.Ok();
        CliRun run = CliRun.Of("search", Dataset, "terminal escape", "--limit", "5").Ok();
        Assert.Contains("terminal", run.Out);
        Assert.DoesNotContain('\u001b', run.Out);
        Assert.Contains("matching rows", run.Out);
    }

    [Fact]
    public void Search_raw_mode_reports_bad_fts_syntax_as_a_user_error()
    {
        _data.Ingest.Ok();
        CliRun run = CliRun.Of("search", Dataset, "\"unbalanced", "--raw");
        Assert.Equal(1, run.ExitCode);
        Assert.NotEmpty(run.Err);
        Assert.DoesNotContain("   at ", run.Err);
    }

    [Fact]
    public void Facets_json_puts_the_most_common_domain_first()
    {
        _data.Ingest.Ok();
        JsonElement result = CliRun.Of("facets", Dataset, "--column", "domain", "--limit", "10", "--json").Ok().Json();
        var values = result.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(10, values.Count);
        Assert.Equal("i.pinimg.com", values[0].GetProperty("value").GetString());
        var counts = values.Select(v => v.GetProperty("count").GetInt64()).ToList();
        Assert.Equal(counts.OrderDescending(), counts);
        Assert.True(result.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public void Facets_with_where_count_only_matching_rows()
    {
        _data.Ingest.Ok();
        JsonElement all = CliRun.Of("facets", Dataset, "--column", "NSFW", "--json").Ok().Json();
        JsonElement unlikely = CliRun.Of("facets", Dataset, "--column", "NSFW", "--where", "NSFW = 'UNLIKELY'", "--json").Ok().Json();
        Assert.Equal(3, all.GetProperty("values").GetArrayLength());
        JsonElement only = unlikely.GetProperty("values").EnumerateArray().Single();
        Assert.Equal("UNLIKELY", only.GetProperty("value").GetString());
        long fromAll = all.GetProperty("values").EnumerateArray().Single(v => v.GetProperty("value").GetString() == "UNLIKELY").GetProperty("count").GetInt64();
        Assert.Equal(fromAll, only.GetProperty("count").GetInt64());
    }

    [Fact]
    public void Facets_text_draws_a_bar_per_value()
    {
        _data.Ingest.Ok();
        CliRun run = CliRun.Of("facets", Dataset, "--column", "NSFW").Ok();
        Assert.Contains("UNLIKELY", run.Out);
        Assert.Contains("█", run.Out);
    }

    [Fact]
    public void Facets_on_an_unknown_column_is_a_user_error()
    {
        _data.Ingest.Ok();
        CliRun run = CliRun.Of("facets", Dataset, "--column", "no_such_column");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no_such_column", run.Err);
    }

    [Fact]
    public void Sql_json_returns_columns_and_rows()
    {
        _data.Ingest.Ok();
        JsonElement result = CliRun.Of("sql", Dataset, "select NSFW, count(*) as n from laion_sample group by NSFW order by n desc", "--json").Ok().Json();
        Assert.Equal(["NSFW", "n"], result.GetProperty("columns").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var rows = result.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal("UNLIKELY", rows[0][0].GetString());
        Assert.Equal(DemoDatasetFixture.Rows, rows.Sum(r => r[1].GetInt64()));
        Assert.False(result.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public void Sql_csv_prints_a_header_and_quotes_fields()
    {
        _data.Ingest.Ok();
        string csv = CliRun.Of("sql", Dataset, "select 'a,b' as x, 2 as y", "--csv").Ok().Out;
        Assert.Equal("x,y\r\n\"a,b\",2\r\n", csv);
    }

    [Fact]
    public void Sql_max_rows_truncates_and_says_so()
    {
        _data.Ingest.Ok();
        JsonElement result = CliRun.Of("sql", Dataset, "select rowid from laion_sample", "--max-rows", "7", "--json").Ok().Json();
        Assert.Equal(7, result.GetProperty("rows").GetArrayLength());
        Assert.True(result.GetProperty("truncated").GetBoolean());
        Assert.Contains("truncated", CliRun.Of("sql", Dataset, "select rowid from laion_sample", "--max-rows", "7").Ok().Out);
    }

    [Theory]
    [InlineData("delete from laion_sample")]
    [InlineData("update laion_sample set TEXT = 'x'")]
    [InlineData("drop table laion_sample")]
    public void Sql_refuses_writes_with_exit_code_1(string statement)
    {
        _data.Ingest.Ok();
        CliRun run = CliRun.Of("sql", Dataset, statement);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("trawl: ", run.Err);
        JsonElement count = CliRun.Of("sql", Dataset, "select count(*) from laion_sample", "--json").Ok().Json();
        Assert.Equal(DemoDatasetFixture.Rows, count.GetProperty("rows")[0][0].GetInt64());
    }

    [Fact]
    public void Sql_json_and_csv_together_is_a_user_error()
    {
        CliRun run = CliRun.Of("sql", Dataset, "select 1", "--json", "--csv");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--csv", run.Err);
    }

    [Fact]
    public void Sql_past_its_time_limit_is_stopped_with_exit_code_1()
    {
        _data.Ingest.Ok();
        CliRun run = CliRun.Of("sql", Dataset, "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c", "--time-limit", "200ms");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("time limit", run.Err);
    }

    [Fact]
    public void Search_of_an_unknown_table_is_a_user_error_naming_it()
    {
        _data.Ingest.Ok();
        CliRun run = CliRun.Of("search", Dataset, "cat", "--table", "nope");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nope", run.Err);
    }

    [Fact]
    public void Search_columns_option_limits_the_table_to_those_columns()
    {
        _data.Ingest.Ok();
        CliRun run = CliRun.Of("search", Dataset, "cat", "--limit", "2", "--columns", "rowid,NSFW").Ok();
        Assert.Contains("NSFW", run.Out);
        Assert.DoesNotContain("SAMPLE_ID", run.Out);
    }
}
