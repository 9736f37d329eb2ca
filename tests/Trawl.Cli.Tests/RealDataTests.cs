using System.Text.Json;
using Xunit.Abstractions;
using Trawl.Testing;

namespace Trawl.Cli.Tests;

public sealed class RealDataTests
{
    private readonly ITestOutputHelper _output;

    public RealDataTests(ITestOutputHelper output) => _output = output;

    [SkippableFact]
    public void MusicCaps_ingests_and_its_captions_are_searchable()
    {
        string csv = Requirements.SharedData("musiccaps/musiccaps-public.csv");
        using var tmp = new TempFolder();
        string dataset = tmp.Combine("musiccaps.trawl");
        JsonElement report = CliRun.Of("ingest", dataset, csv, "--search", "caption", "--json").Ok().Json();
        long kept = report.GetProperty("rows_kept").GetInt64();
        string table = report.GetProperty("table").GetString()!;
        Assert.True(kept > 5000, $"{kept} rows");

        long jazz = long.Parse(CliRun.Of("search", dataset, "jazz piano", "--count").Ok().Out.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        JsonElement like = CliRun.Of("sql", dataset, $"select count(*) from \"{table}\" where caption like '%jazz%' and caption like '%piano%'", "--json").Ok().Json();
        Assert.True(jazz > 0);
        Assert.True(jazz <= like.GetProperty("rows")[0][0].GetInt64());

        JsonElement facet = CliRun.Of("facets", dataset, "--column", "is_audioset_eval", "--json").Ok().Json();
        Assert.Equal(kept, facet.GetProperty("values").EnumerateArray().Sum(v => v.GetProperty("count").GetInt64()));
    }

    [SkippableFact]
    public void Coco_captions_cat_reads_the_annotations_array()
    {
        string json = Requirements.SharedData("coco-captions-val2017/captions_val2017.json");
        string[] lines = CliRun.Of("cat", json, "--json-path", "annotations", "--limit", "5", "--columns", "image_id,caption").Ok()
            .Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        foreach (string line in lines)
        {
            JsonElement row = JsonDocument.Parse(line).RootElement;
            Assert.Equal(JsonValueKind.Number, row.GetProperty("image_id").ValueKind);
            Assert.False(string.IsNullOrWhiteSpace(row.GetProperty("caption").GetString()));
        }
    }
}
