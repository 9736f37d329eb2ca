using System.Text.Json;

namespace Trawl.Cli.Tests;

public sealed class CatCommandTests
{
    private const string Csv = "id,caption,score\n1,\"red, cat\",0.5\n2,café in Zürich,0.25\n3,東京,\n";

    [Fact]
    public void Cat_of_csv_prints_json_lines_by_default()
    {
        using var tmp = new TempFolder();
        string[] lines = CliRun.Of("cat", tmp.File("a.csv", Csv)).Ok().Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        JsonElement first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal("red, cat", first.GetProperty("caption").GetString());
        Assert.Equal("café in Zürich", JsonDocument.Parse(lines[1]).RootElement.GetProperty("caption").GetString());
        Assert.Contains("東京", lines[2]);
    }

    [Fact]
    public void Cat_of_jsonl_as_csv_round_trips_values()
    {
        using var tmp = new TempFolder();
        string jsonl = tmp.File("a.jsonl", "{\"id\":1,\"text\":\"say \\\"hi\\\", ok\"}\n{\"id\":2,\"text\":\"plain\"}\n");
        string csv = CliRun.Of("cat", jsonl, "--format", "csv").Ok().Out;
        Assert.Equal("id,text\n1,\"say \"\"hi\"\", ok\"\n2,plain\n", csv.Replace("\r\n", "\n"));
    }

    [Fact]
    public void Cat_limit_and_columns_pick_rows_and_columns_in_order()
    {
        using var tmp = new TempFolder();
        string csv = CliRun.Of("cat", tmp.File("a.csv", Csv), "--limit", "2", "--columns", "score,id", "--format", "csv").Ok().Out;
        Assert.Equal("score,id\n0.5,1\n0.25,2\n", csv.Replace("\r\n", "\n"));
    }

    [Fact]
    public void Cat_schema_json_lists_columns()
    {
        using var tmp = new TempFolder();
        JsonElement schema = CliRun.Of("cat", tmp.File("a.csv", Csv), "--schema", "--json").Ok().Json();
        Assert.Equal(["id", "caption", "score"], schema.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray());
        Assert.Contains("caption", CliRun.Of("cat", tmp.File("b.csv", Csv), "--schema").Ok().Out);
    }

    [Fact]
    public void Cat_of_a_json_document_reads_the_array_at_json_path()
    {
        using var tmp = new TempFolder();
        string json = tmp.File("coco.json", "{\"info\":{},\"annotations\":[{\"id\":1,\"caption\":\"a cat\"},{\"id\":2,\"caption\":\"a dog\"}]}");
        string[] lines = CliRun.Of("cat", json, "--json-path", "annotations").Ok().Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("a dog", JsonDocument.Parse(lines[1]).RootElement.GetProperty("caption").GetString());
    }

    [Fact]
    public void Cat_with_input_format_reads_a_file_without_extension()
    {
        using var tmp = new TempFolder();
        string file = tmp.File("data", "a\tb\n1\t2\n");
        Assert.Equal(1, CliRun.Of("cat", file).ExitCode);
        string[] lines = CliRun.Of("cat", file, "--input-format", "tsv").Ok().Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
    }

    [Fact]
    public void Cat_of_a_missing_file_exits_1_and_names_it()
    {
        using var tmp = new TempFolder();
        CliRun run = CliRun.Of("cat", tmp.Combine("gone.jsonl"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("gone.jsonl", run.Err);
    }

    [Fact]
    public void Cat_of_a_ragged_csv_exits_1_and_names_the_line()
    {
        using var tmp = new TempFolder();
        CliRun run = CliRun.Of("cat", tmp.File("bad.csv", "a,b\n1,2\n3\n"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("bad.csv", run.Err);
        Assert.Contains("line 3", run.Err);
    }

    [Fact]
    public void Cat_of_an_unknown_column_exits_1_and_lists_the_columns()
    {
        using var tmp = new TempFolder();
        CliRun run = CliRun.Of("cat", tmp.File("a.csv", Csv), "--columns", "nope");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nope", run.Err);
        Assert.Contains("caption", run.Err);
    }
}
