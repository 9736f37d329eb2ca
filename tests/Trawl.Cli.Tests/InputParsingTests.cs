using Trawl.Cli.Input;
using Trawl.Store;

namespace Trawl.Cli.Tests;

public sealed class InputParsingTests
{
    [Theory]
    [InlineData("5s", 5000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1.5", 1500)]
    [InlineData(" 3S ", 3000)]
    public void Durations_parse_with_units(string text, double milliseconds)
    {
        Assert.Equal(milliseconds, DurationText.Parse(text, "--time-limit").TotalMilliseconds, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("fast")]
    [InlineData("-1s")]
    [InlineData("0")]
    [InlineData("5x")]
    [InlineData("1e300h")]
    [InlineData("NaNs")]
    public void Bad_durations_are_user_errors_naming_the_option(string text)
    {
        var e = Assert.Throws<UserErrorException>(() => DurationText.Parse(text, "--time-limit"));
        Assert.Contains("--time-limit", e.Message);
    }

    [Fact]
    public void Column_lists_accept_commas_and_repeats_without_duplicates()
    {
        Assert.Equal(["a", "b", "c"], ColumnList.Parse(["a, b", "c", "A"]));
        Assert.Empty(ColumnList.Parse(null));
    }

    [Fact]
    public void Globs_expand_in_ordinal_order_and_plain_paths_pass_through()
    {
        using var tmp = new TempFolder();
        tmp.File("b-2.csv", "x");
        tmp.File("b-10.csv", "x");
        tmp.File("a.csv", "x");
        tmp.File("b.txt", "x");
        var files = SourceGlob.Expand([Path.Combine(tmp.Path, "b-*.csv"), Path.Combine(tmp.Path, "a.csv")]);
        Assert.Equal(["b-10.csv", "b-2.csv", "a.csv"], files.Select(f => Path.GetFileName(f)!).ToArray());
        Assert.Single(SourceGlob.Expand([Path.Combine(tmp.Path, "b?txt")]));
    }

    [Fact]
    public void Globs_expand_wildcard_folders_and_double_star_at_any_depth()
    {
        using var tmp = new TempFolder();
        Directory.CreateDirectory(Path.Combine(tmp.Path, "attributes", "toxicity"));
        Directory.CreateDirectory(Path.Combine(tmp.Path, "attributes", "pii"));
        Directory.CreateDirectory(Path.Combine(tmp.Path, "rp", "common_crawl", "2023-06"));
        tmp.File("attributes/toxicity/a.json.gz", "x");
        tmp.File("attributes/pii/a.json.gz", "x");
        tmp.File("attributes/pii/readme.txt", "x");
        tmp.File("rp/book.jsonl", "x");
        tmp.File("rp/common_crawl/2023-06/en_0.jsonl.zst", "x");
        var attributes = SourceGlob.Expand([Path.Combine(tmp.Path, "attributes", "*", "*.json.gz")]);
        Assert.Equal([Path.Combine(tmp.Path, "attributes/pii/a.json.gz"), Path.Combine(tmp.Path, "attributes/toxicity/a.json.gz")], attributes);
        var deep = SourceGlob.Expand([Path.Combine(tmp.Path, "rp", "**", "*.jsonl*")]);
        Assert.Equal([Path.Combine(tmp.Path, "rp/book.jsonl"), Path.Combine(tmp.Path, "rp/common_crawl/2023-06/en_0.jsonl.zst")], deep);
        Assert.Throws<FileNotFoundException>(() => SourceGlob.Expand([Path.Combine(tmp.Path, "*", "x.csv")]));
    }

    [Fact]
    public void A_folder_given_as_a_source_is_a_user_error()
    {
        using var tmp = new TempFolder();
        var e = Assert.Throws<UserErrorException>(() => SourceGlob.Expand([tmp.Path]));
        Assert.Contains("folder", e.Message);
    }
}
