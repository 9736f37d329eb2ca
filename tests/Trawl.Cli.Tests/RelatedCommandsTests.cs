using System.Text.Json;

namespace Trawl.Cli.Tests;

/// <summary>trawl extract, view, count-names, ingest --derive/--convert/--fk and package, as a user types them.</summary>
public sealed class RelatedCommandsTests
{
    private static string Laion(TempFolder tmp)
    {
        string csv = tmp.File("laion.csv", "URL,TEXT,aspect\nhttps://i.pinimg.com/1.jpg,Dwayne 'The Rock' Johnson smiling,\"['a', \"\"b's\"\"]\"\nhttps://www.example.com/2.jpg,a cat,['a']\nhttps://i.pinimg.com/3.jpg,Dwayne Johnson again,[]\n");
        string dataset = tmp.Combine("laion.trawl");
        CliRun.Of("ingest", dataset, csv, "--table", "images", "--derive", "domain=URL", "--derive", "area=length(TEXT) * 2", "--convert", "aspect=python-list-to-json").Ok();
        return dataset;
    }

    [Fact]
    public void Extract_view_and_count_names_from_the_command_line()
    {
        using var tmp = new TempFolder();
        string dataset = Laion(tmp);
        JsonElement extract = CliRun.Of("extract", dataset, "images", "domain", "--json").Ok().Json();
        Assert.Equal(2, extract.GetProperty("lookup_rows").GetInt64());
        Assert.Equal("domain_id", extract.GetProperty("key_column").GetString());

        string view = CliRun.Of("view", dataset, "pins", "SELECT i.rowid AS rowid, i.TEXT, d.domain FROM images i JOIN domain d ON d.id = i.domain_id WHERE d.domain = 'i.pinimg.com'", "--rowid-of", "images").Ok().Out;
        Assert.Contains("view pins: 2 rows", view);
        Assert.Contains("searchable", view);

        string names = tmp.File("celebrities.csv", "name\nDwayne 'The Rock' Johnson\nDwayne Johnson\n");
        JsonElement counts = CliRun.Of("count-names", dataset, names, "--table", "celebrities", "--json").Ok().Json();
        Assert.Equal(2, counts.GetProperty("names").GetInt64());
        string rows = CliRun.Of("sql", dataset, "SELECT name, count FROM celebrities ORDER BY rowid", "--json").Ok().Out;
        Assert.Contains("\"Dwayne Johnson\"", rows);
        using var doc = JsonDocument.Parse(rows);
        string derived = CliRun.Of("sql", dataset, "SELECT aspect, area FROM images ORDER BY rowid LIMIT 1", "--json").Ok().Out;
        Assert.Contains("[\\\"a\\\",\\\"b's\\\"]", derived);
    }

    [Fact]
    public void Count_names_without_table_option_is_a_user_error()
    {
        using var tmp = new TempFolder();
        string dataset = Laion(tmp);
        string names = tmp.File("n.csv", "name\nx\n");
        Assert.Equal(1, CliRun.Of("count-names", dataset, names).ExitCode);
        var run = CliRun.Of("count-names", dataset, names, "--table", "c", "--column", "nope");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no column 'nope'", run.Err);
    }

    [Fact]
    public void A_write_in_a_view_is_refused()
    {
        using var tmp = new TempFolder();
        string dataset = Laion(tmp);
        var run = CliRun.Of("view", dataset, "v", "DROP TABLE images");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("SELECT", run.Err);
        Assert.Contains("images", CliRun.Of("sql", dataset, "SELECT name FROM sqlite_master WHERE name = 'images'").Ok().Out);
    }

    [Fact]
    public void Package_writes_a_docker_build_context_serving_a_copy_of_the_dataset()
    {
        using var tmp = new TempFolder();
        string dataset = Laion(tmp);
        string context = tmp.Combine("ctx");
        string output = CliRun.Of("package", dataset, "--tag", "laion:test", "--output", context, "--no-build", "--cors").Ok().Out;
        Assert.Contains(context, output);
        string dockerfile = File.ReadAllText(Path.Combine(context, "Dockerfile"));
        Assert.Contains("COPY laion.trawl /data/laion.trawl", dockerfile);
        Assert.Contains("\"serve\", \"/data/laion.trawl\", \"--host\", \"0.0.0.0\", \"--port\", \"8001\", \"--cors\"", dockerfile);
        Assert.True(File.Exists(Path.Combine(context, "app", "trawl.dll")));
        Assert.False(Directory.Exists(Path.Combine(context, "app", "runtimes", "win-x64")));
        Assert.False(File.Exists(Path.Combine(context, "laion.trawl", "ingest.lock")));
        // The copy is a working dataset.
        Assert.Contains("3", CliRun.Of("sql", Path.Combine(context, "laion.trawl"), "SELECT count(*) FROM images").Ok().Out);
        // An existing output is refused rather than overwritten.
        Assert.Equal(1, CliRun.Of("package", dataset, "--output", context, "--no-build").ExitCode);
    }
}
