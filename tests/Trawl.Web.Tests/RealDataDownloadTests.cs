using System.Text.Json;
using Trawl.Formats.Tables;
using Trawl.Formats.WebDataset;
using Trawl.Testing;
using Trawl.Web.Download;
using Trawl.Web.Http;
using Trawl.Web.Images;

namespace Trawl.Web.Tests;

/// <summary>img2dataset's own test input (test_1000.parquet: URL, TEXT): the real captions go through the download, with
/// each URL's host replaced by the local server (nothing else is contacted) so every image is a generated one.</summary>
public sealed class RealDataDownloadTests(WebHostFixture fixture) : IClassFixture<WebHostFixture>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("trawl-real-download-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    [SkippableFact]
    public void Real_captions_survive_the_tar_json_and_parquet_unchanged()
    {
        string parquet = Requirements.SharedData("img2dataset/test_1000.parquet");
        var captions = new List<string?>();
        var urls = new List<string>();
        using (var reader = TableReaders.Open(parquet, new TableReaderOptions { Columns = ["URL", "TEXT"] }))
        {
            var batch = new ColumnBatch(2);
            while (captions.Count < 60 && reader.ReadBatch(batch, 60))
            {
                for (int i = 0; i < batch.RowCount && captions.Count < 60; i++)
                {
                    urls.Add((string)batch[0].ValueAt(i)!);
                    captions.Add(batch[1].ValueAt(i) as string);
                }
            }
        }
        Assert.Equal(60, captions.Count);
        // Same rows, same captions; the URL becomes a local image (the real path kept in the query for the record).
        string jsonl = Path.Combine(_root, "pairs.jsonl");
        File.WriteAllLines(jsonl, captions.Select((c, i) => JsonSerializer.Serialize(new { url = $"{fixture.Host.BaseUrl}/img/100/80/{i}.jpg?from={Uri.EscapeDataString(urls[i])}", caption = c })));
        string output = Path.Combine(_root, "shards");
        var report = ImageDownload.Run(new DownloadRequest
        {
            Input = jsonl, UrlColumn = "url", CaptionColumn = "caption", OutputFolder = output, ShardSize = 25, Concurrency = 8,
            Resize = new ResizeOptions { ImageSize = 32 }, Fetch = new FetchOptions { Retries = 0 },
        });
        Assert.Equal(60, report.Successes);
        Assert.Equal(3, report.Shards);
        int seen = 0;
        foreach (string tar in Directory.GetFiles(output, "*.tar"))
        {
            using var r = TarShardReader.Open(tar);
            while (r.TryReadNext(out var e))
            {
                var bytes = new byte[e.Length];
                r.ReadAt(e.DataOffset, bytes);
                int key = int.Parse(e.Name[..9]);
                if (e.Name.EndsWith(".txt", StringComparison.Ordinal))
                {
                    Assert.Equal(captions[key] ?? "", System.Text.Encoding.UTF8.GetString(bytes));
                    seen++;
                }
                else if (e.Name.EndsWith(".json", StringComparison.Ordinal))
                {
                    Assert.Equal(captions[key], JsonDocument.Parse(bytes).RootElement.GetProperty("caption").GetString());
                }
            }
        }
        Assert.Equal(60, seen);
        using var meta = TableReaders.Open(Path.Combine(output, "00001.parquet"));
        var rows = new ColumnBatch(meta.Schema.Count);
        Assert.True(meta.ReadBatch(rows, 100));
        // img2dataset's column order: caption, url, key, ...
        Assert.Equal(["caption", "url", "key"], meta.Schema.Columns.Take(3).Select(c => c.Name));
        for (int i = 0; i < rows.RowCount; i++)
            Assert.Equal(captions[int.Parse((string)rows[2].ValueAt(i)!)], rows[0].ValueAt(i));
    }
}
