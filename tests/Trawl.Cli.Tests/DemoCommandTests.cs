using System.Text.Json;

namespace Trawl.Cli.Tests;

public sealed class DemoCommandTests
{
    [Fact]
    public void Demo_without_serving_builds_a_searchable_dataset_with_domains()
    {
        using var tmp = new TempFolder();
        CliRun run = CliRun.Of("demo", "--rows", "3000", "--dir", tmp.Path, "--no-serve").Ok();
        string dataset = Path.Combine(tmp.Path, "demo.trawl");
        Assert.Contains("trawl search", run.Out);
        JsonElement info = CliRun.Of("info", dataset, "--json").Ok().Json();
        JsonElement table = info.GetProperty("tables")[0];
        Assert.InRange(table.GetProperty("rows").GetInt64(), 2900, 3000);
        JsonElement image = info.GetProperty("vector_sets")[0];
        Assert.Equal("image", image.GetProperty("name").GetString());
        Assert.Equal(table.GetProperty("rows").GetInt64(), image.GetProperty("count").GetInt64());
        Assert.Contains("vector set", CliRun.Of("info", dataset).Ok().Out);
        Assert.Equal("TEXT", table.GetProperty("search_columns")[0].GetString());
        JsonElement top = CliRun.Of("facets", dataset, "--column", "domain", "--json").Ok().Json().GetProperty("values")[0];
        Assert.Equal("i.pinimg.com", top.GetProperty("value").GetString());
        JsonElement hostile = CliRun.Of("search", dataset, "script alert", "--json").Ok().Json();
        Assert.True(hostile.GetProperty("count").GetInt64() >= 1);
    }

    [Fact]
    public void Demo_replaces_an_earlier_demo_and_says_so()
    {
        using var tmp = new TempFolder();
        CliRun.Of("demo", "--rows", "200", "--dir", tmp.Path, "--no-serve").Ok();
        CliRun again = CliRun.Of("demo", "--rows", "300", "--dir", tmp.Path, "--no-serve", "--seed", "2").Ok();
        Assert.Contains("replacing", again.Err);
        JsonElement table = CliRun.Of("info", Path.Combine(tmp.Path, "demo.trawl"), "--json").Ok().Json().GetProperty("tables")[0];
        Assert.True(table.GetProperty("rows").GetInt64() > 200);
    }

    [Fact]
    public void Demo_never_deletes_a_folder_that_is_not_a_dataset()
    {
        using var tmp = new TempFolder();
        string folder = Path.Combine(tmp.Path, "demo.trawl");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "keep me");
        CliRun run = CliRun.Of("demo", "--rows", "100", "--dir", tmp.Path, "--no-serve");
        Assert.Equal(1, run.ExitCode);
        Assert.True(File.Exists(Path.Combine(folder, "notes.txt")));
    }

    [Fact]
    public void Demo_replaces_what_an_interrupted_demo_left_behind()
    {
        using var tmp = new TempFolder();
        string folder = Path.Combine(tmp.Path, "demo.trawl");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "ingest.lock"), "");
        CliRun.Of("demo", "--rows", "100", "--dir", tmp.Path, "--no-serve").Ok();
        Assert.True(File.Exists(Path.Combine(folder, "meta.db")));
    }
}
