using System.Text.Json;

namespace Trawl.Cli.Tests;

/// <summary><c>trawl facets --array</c> and <c>--date</c>: the README's MusicCaps example counts list elements.</summary>
public sealed class FacetKindTests
{
    [Fact]
    public void Facets_aspect_list_array_counts_elements_not_whole_lists()
    {
        using var temp = new TempFolder();
        string csv = temp.File("musiccaps.csv", """
            ytid,aspect_list,caption,recorded
            a,"['amateur recording', 'e-guitar']",guitar one,2023-01-02
            b,"[""men's voice"", 'e-guitar']",guitar two,2023-01-02 10:00:00
            c,"['amateur recording']",piano three,2023-01-05
            """);
        string dataset = temp.Combine("musiccaps.trawl");
        CliRun.Of("ingest", dataset, csv, "--search", "caption").Ok();

        JsonElement lists = CliRun.Of("facets", dataset, "--column", "aspect_list", "--array", "--search", "guitar", "--json").Ok().Json();
        Assert.Equal("array", lists.GetProperty("kind").GetString());
        Assert.Equal(["e-guitar=2", "amateur recording=1", "men's voice=1"],
            lists.GetProperty("values").EnumerateArray().Select(v => $"{v.GetProperty("value").GetString()}={v.GetProperty("count").GetInt64()}"));

        JsonElement dates = CliRun.Of("facets", dataset, "--column", "recorded", "--date", "--json").Ok().Json();
        Assert.Equal(["2023-01-02=2", "2023-01-05=1"],
            dates.GetProperty("values").EnumerateArray().Select(v => $"{v.GetProperty("value").GetString()}={v.GetProperty("count").GetInt64()}"));

        var both = CliRun.Of("facets", dataset, "--column", "recorded", "--date", "--array");
        Assert.Equal(1, both.ExitCode);
    }
}
