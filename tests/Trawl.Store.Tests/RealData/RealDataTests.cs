using System.Globalization;
using System.Text;
using System.Text.Json;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;
using Xunit.Abstractions;

namespace Trawl.Store.Tests.RealData;

/// <summary>Ingest of the real files in ../shared/data, checked against answers computed here independently
/// (CsvHelper and System.Text.Json, and a plain word scan for searches).</summary>
public sealed class RealDataTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Words as unicode61 splits them: runs of letters and digits, case and diacritics folded.</summary>
    private static HashSet<string> Words(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        var sb = new StringBuilder();
        foreach (char c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                continue;
            if (char.IsLetterOrDigit(c))
                sb.Append(char.ToLowerInvariant(c));
            else if (sb.Length > 0)
            {
                words.Add(sb.ToString());
                sb.Clear();
            }
        }
        if (sb.Length > 0)
            words.Add(sb.ToString());
        return words;
    }

    [Fact]
    public void MusicCaps_csv_ingests_all_rows_with_types_roles_searches_and_facets()
    {
        string? csv = SharedData.Find("musiccaps/musiccaps-public.csv", output);
        if (csv is null)
            return;
        // An independent CSV parser as the oracle.
        using var parser = CsvHelper.CsvReader.FromText(File.ReadAllText(csv), CsvHelper.CsvReaderOptions.Default with { Separator = ',' });
        parser.ReadHeader();
        string[] header = ["ytid", "start_s", "end_s", "audioset_positive_labels", "aspect_list", "caption", "author_id", "is_balanced_subset", "is_audioset_eval"];
        var rows = new List<string[]>();
        while (parser.Read())
            rows.Add(Enumerable.Range(0, header.Length).Select(i => parser.GetString(i)).ToArray());
        int captionAt = Array.IndexOf(header, "caption");

        var report = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], Table = "musiccaps" });
        Assert.Equal(rows.Count, report.RowsKept);
        Assert.Equal(5521, report.RowsKept);
        using var ds = Dataset.Open(_temp.Dataset());
        var t = ds.GetTable("musiccaps");
        Assert.Equal(["caption"], t.SearchColumns);
        Assert.Equal(ColumnRole.YouTube, t.FindColumn("ytid")!.Role);
        Assert.Equal(SqlType.Integer, t.FindColumn("start_s")!.SqlType);

        foreach (string word in new[] { "guitar", "piano", "sad", "female", "distorted" })
        {
            long expected = rows.Count(r => Words(r[captionAt]).Contains(word));
            Assert.True(expected > 0);
            Assert.Equal(expected, ds.CountRows(new TableQuery { Table = "musiccaps", Search = word }));
        }
        long both = rows.Count(r => Words(r[captionAt]) is var w && w.Contains("guitar") && w.Contains("drums"));
        Assert.Equal(both, ds.CountRows(new TableQuery { Table = "musiccaps", Search = "guitar drums" }));

        int balancedAt = Array.IndexOf(header, "is_balanced_subset");
        var facet = ds.Facet(new TableQuery { Table = "musiccaps" }, "is_balanced_subset");
        Assert.Equal(rows.GroupBy(r => r[balancedAt]).ToDictionary(g => g.Key, g => (long)g.Count()).OrderBy(x => x.Key),
            facet.Values.ToDictionary(v => (string)v.Value!, v => v.Count).OrderBy(x => x.Key));
        Assert.Contains("is_balanced_subset", ds.SuggestFacets("musiccaps"));

        // The rows come back exactly as the file has them.
        var stored = ds.StreamRows(new TableQuery { Table = "musiccaps" }, out var columns).ToList();
        for (int i = 0; i < rows.Count; i += 97)
            Assert.Equal(rows[i][captionAt], stored[i][columns.ToList().IndexOf("caption")]);
    }

    [Fact]
    public void Coco_annotations_ingest_through_the_json_path()
    {
        string? json = SharedData.Find("coco-captions-val2017/captions_val2017.json", output);
        if (json is null)
            return;
        using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
        var annotations = doc.RootElement.GetProperty("annotations").EnumerateArray()
            .Select(a => (ImageId: a.GetProperty("image_id").GetInt64(), Id: a.GetProperty("id").GetInt64(), Caption: a.GetProperty("caption").GetString()!))
            .ToList();

        var report = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [json], JsonPath = "annotations", Table = "captions", PrimaryKey = "id" });
        Assert.Equal(25014, report.RowsKept);
        Assert.Equal(annotations.Count, report.RowsKept);
        using var ds = Dataset.Open(_temp.Dataset());
        var t = ds.GetTable("captions");
        Assert.Equal(SqlType.Integer, t.FindColumn("image_id")!.SqlType);
        Assert.Equal(["caption"], t.SearchColumns);
        foreach (string word in new[] { "motorcycle", "giraffe", "pizza" })
            Assert.Equal(annotations.Count(a => Words(a.Caption).Contains(word)), ds.CountRows(new TableQuery { Table = "captions", Search = word }));

        long image = annotations[123].ImageId;
        Assert.Equal(annotations.Count(a => a.ImageId == image),
            ds.CountRows(new TableQuery { Table = "captions", Filters = [new ColumnFilter("image_id", FilterOp.Exact, image.ToString(CultureInfo.InvariantCulture))] }));
        var top = ds.Facet(new TableQuery { Table = "captions" }, "image_id", limit: 3);
        long maxPerImage = annotations.GroupBy(a => a.ImageId).Max(g => g.Count());
        Assert.Equal(maxPerImage, top.Values[0].Count);
    }

    [Fact]
    public void RedPajama_jsonl_with_flatten_makes_nested_meta_into_columns()
    {
        string? dir = SharedData.Find("data-juicer-text", output);
        if (dir is null)
            return;
        string arxiv = Path.Combine(dir, "process_sci_data_arxiv.jsonl");
        var lines = File.ReadAllLines(arxiv).Where(l => l.Trim().Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

        var report = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [arxiv], Flatten = true, Table = "arxiv" });
        Assert.Equal(lines.Count, report.RowsKept);
        using var ds = Dataset.Open(_temp.Dataset());
        var t = ds.GetTable("arxiv");
        Assert.NotNull(t.FindColumn("meta_arxiv_id"));
        Assert.NotNull(t.FindColumn("meta_url"));
        Assert.Equal(["text"], t.SearchColumns);
        var ids = ds.StreamRows(new TableQuery { Table = "arxiv" }, out var cols).Select(r => r[cols.ToList().IndexOf("meta_arxiv_id")]).ToList();
        Assert.Equal(lines.Select(l => l.GetProperty("meta").GetProperty("arxiv_id").GetString()), ids);
        foreach (string word in new[] { "langevin", "theorem", "graph" })
        {
            long expected = lines.Count(l => Words(l.GetProperty("text").GetString()!).Contains(word));
            Assert.Equal(expected, ds.CountRows(new TableQuery { Table = "arxiv", Search = word }));
        }
    }

    [Fact]
    public void RedPajama_parts_append_into_one_table_with_new_columns()
    {
        string? dir = SharedData.Find("data-juicer-text", output);
        if (dir is null)
            return;
        var parts = Directory.GetFiles(dir, "data_mixture_*.jsonl").Order(StringComparer.Ordinal).ToList();
        long expected = parts.Sum(p => File.ReadAllLines(p).Count(l => l.Trim().Length > 0));
        var report = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = parts, Flatten = true, Table = "pajama" });
        Assert.Equal(expected, report.RowsKept);
        string stack = Path.Combine(dir, "process_code_data_stack_exchange.jsonl");
        var stackLines = File.ReadAllLines(stack).Where(l => l.Trim().Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var appended = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [stack], Flatten = true, Table = "pajama", Mode = IngestMode.Append });
        Assert.Contains("stats_lang", appended.ColumnsAdded);
        using var ds = Dataset.Open(_temp.Dataset());
        Assert.Equal(expected + stackLines.Count, ds.GetTable("pajama").RowCount);
        var langs = ds.Facet(new TableQuery { Table = "pajama", Filters = [new ColumnFilter("stats_lang", FilterOp.IsNull, "0")] }, "stats_lang");
        var expectedLangs = stackLines
            .Select(l => l.TryGetProperty("stats", out var st) && st.TryGetProperty("lang", out var lang) ? lang.GetString() : null)
            .Where(l => l is not null).GroupBy(l => l!).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expectedLangs.OrderBy(x => x.Key), langs.Values.ToDictionary(v => (string)v.Value!, v => v.Count).OrderBy(x => x.Key));
    }
}
