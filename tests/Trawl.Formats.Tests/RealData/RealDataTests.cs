using System.Text.Json;
using Trawl.Formats.Csv;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;
using Trawl.Testing;

namespace Trawl.Formats.Tests.RealData;

/// <summary>The readers on the published files in ../shared/data, checked against independent readers.</summary>
public sealed class RealDataTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [SkippableFact]
    public void MusicCaps_csv_reads_every_row_as_CsvHelper_does()
    {
        string path = Requirements.SharedData("musiccaps/musiccaps-public.csv");
        using var helper = global::CsvHelper.CsvReader.FromFile(path, global::CsvHelper.CsvReaderOptions.Default with { Separator = ',' });
        var expected = new List<string[]>();
        string[] header = helper.Headers.ToArray();
        while (helper.Read())
            expected.Add(Enumerable.Range(0, header.Length).Select(i => helper.GetString(i)).ToArray());

        Assert.NotEmpty(expected);
        var t = Rows.ReadAll(path, maxRows: 333);
        Assert.Equal(header, t.Columns);
        Assert.Equal(expected.Count, t.Rows.Count);
        Assert.Contains("caption", t.Columns);
        for (int r = 0; r < expected.Count; r++)
            Assert.Equal(expected[r], t.Rows[r].Select(v => (string?)v ?? "").ToArray());
    }

    [SkippableFact]
    public void MusicCaps_csv_with_a_64k_window_equals_a_tiny_window()
    {
        string path = Requirements.SharedData("musiccaps/musiccaps-public.csv");
        using var big = CsvReader.Open(path, new TableReaderOptions(), (byte)',', 64 << 10);
        using var tiny = CsvReader.Open(path, new TableReaderOptions(), (byte)',', 61);
        var a = Rows.ReadAll(big, 1000);
        var b = Rows.ReadAll(tiny, 777);
        Assert.Equal(a.Rows, b.Rows);
        Assert.Equal(a.Lines, b.Lines);
    }

    [SkippableFact]
    public void MusicCaps_gzipped_reads_the_same_rows()
    {
        string path = Requirements.SharedData("musiccaps/musiccaps-public.csv");
        string gz = _files.Write("musiccaps.csv.gz", TempFiles.Gzip(File.ReadAllBytes(path)));
        Assert.Equal(Rows.ReadAll(path).Rows, Rows.ReadAll(gz).Rows);
    }

    [SkippableFact]
    public void Coco_annotations_read_as_the_dom_counts_them()
    {
        string path = Requirements.SharedData("coco-captions-val2017/captions_val2017.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var annotations = doc.RootElement.GetProperty("annotations");

        var t = Rows.ReadAll(path, new TableReaderOptions { JsonPath = "annotations" }, maxRows: 4096);
        Assert.Equal(annotations.GetArrayLength(), t.Rows.Count);
        Assert.Equal(["image_id", "id", "caption"], t.Columns);
        int i = 0;
        foreach (var a in annotations.EnumerateArray())
        {
            Assert.Equal(a.GetProperty("image_id").GetInt64(), t.Rows[i][0]);
            Assert.Equal(a.GetProperty("caption").GetString(), t.Rows[i][2]);
            i++;
        }

        var images = Rows.ReadAll(path, new TableReaderOptions { JsonPath = "images", Columns = ["id", "file_name"] });
        Assert.Equal(doc.RootElement.GetProperty("images").GetArrayLength(), images.Rows.Count);

        var e = Assert.Throws<DataFormatException>(() => TableReaders.Open(path));
        Assert.Contains("images", e.Message);
        Assert.Contains("annotations", e.Message);
    }

    [SkippableFact]
    public void RedPajama_jsonl_files_read_one_row_per_line()
    {
        foreach (string path in Directory.GetFiles(Requirements.SharedData("data-juicer-text"), "*.jsonl"))
        {
            string[] lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
            var t = Rows.ReadAll(path, maxRows: 7);
            Assert.Equal(lines.Length, t.Rows.Count);
            int text = Array.IndexOf(t.Columns, "text");
            for (int r = 0; r < lines.Length; r++)
            {
                using var line = JsonDocument.Parse(lines[r]);
                Assert.Equal(line.RootElement.GetProperty("text").GetString(), t.Rows[r][text]);
            }
        }
    }

    [SkippableFact]
    public void RedPajama_meta_flattens_into_columns()
    {
        string path = Requirements.SharedData("data-juicer-text/process_sci_data_arxiv.jsonl");
        var nested = Rows.ReadAll(path);
        Assert.Contains("meta", nested.Columns);
        var flat = Rows.ReadAll(path, new TableReaderOptions { Flatten = true });
        string[] metaColumns = flat.Columns.Where(c => c.StartsWith("meta_", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(metaColumns);
        int meta = Array.IndexOf(nested.Columns, "meta");
        for (int r = 0; r < nested.Rows.Count; r++)
        {
            if (nested.Rows[r][meta] is not string json)
                continue;
            using var doc = JsonDocument.Parse(json);
            foreach (var property in doc.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                Assert.Equal(property.Value.GetString(), flat.Rows[r][Array.IndexOf(flat.Columns, "meta_" + property.Name)]);
        }
    }
}
