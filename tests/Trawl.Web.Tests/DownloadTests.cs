using System.Security.Cryptography;
using System.Text.Json;
using Trawl.Formats.Images;
using Trawl.Formats.Tables;
using Trawl.Formats.WebDataset;
using Trawl.Store.Datasets;
using Trawl.Store.Images;
using Trawl.Store.Ingest;
using Trawl.Web.Download;
using Trawl.Web.Http;
using Trawl.Web.Images;

namespace Trawl.Web.Tests;

public sealed class DownloadTests(WebHostFixture fixture) : IClassFixture<WebHostFixture>, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "trawl-download-" + Guid.NewGuid().ToString("N")[..10]);
    private LocalWebHost Host => fixture.Host;

    public void Dispose() => Directory.Delete(_root, true);

    /// <summary>25 rows: good images, then one of each failure, repeated; returns the dataset and each row's URL.</summary>
    private (string Dataset, List<string> Urls) MakeDataset(int rows = 25)
    {
        Directory.CreateDirectory(_root);
        string b = Host.BaseUrl;
        string[] bad =
        [
            b + "/status/404", "ftp://127.0.0.1/x.jpg", "not a url", b + "/not-an-image.jpg", b + "/truncated-image.jpg",
            b + "/bomb.png", b + "/optout/1.jpg?tag=noai", b + "/redirect-scheme/file", b + "/loop.jpg", b + "/big.jpg",
        ];
        var urls = new List<string>();
        for (int i = 0; i < rows; i++)
            urls.Add(i % 3 == 2 ? bad[i / 3 % bad.Length] : i % 5 == 0 ? $"{b}/redirect/2/{i}.jpg" : i % 7 == 0 ? $"{b}/wrong-type/{i}.jpg" : $"{b}/img/{320 + i}/240/{i}.jpg");
        string csv = Path.Combine(_root, "pairs.csv");
        File.WriteAllLines(csv, ["url,caption", .. urls.Select((u, i) => $"\"{u}\",\"caption number {i}\"")]);
        string dataset = Path.Combine(_root, "pairs.trawl");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "pairs" });
        return (dataset, urls);
    }

    private DownloadRequest Request(string dataset, string output, int shardSize = 10) => new()
    {
        Input = dataset,
        UrlColumn = "url",
        CaptionColumn = "caption",
        OutputFolder = output,
        ShardSize = shardSize,
        Concurrency = 8,
        Resize = new ResizeOptions { ImageSize = 64, Mode = ResizeMode.Border },
        Fetch = new FetchOptions { Retries = 0, Timeout = TimeSpan.FromSeconds(5), MaxBodyBytes = 1 << 20 },
    };

    [Fact]
    public void Shards_have_img2dataset_files_fields_and_keys_and_ingest_back_with_images_by_reference()
    {
        var (dataset, urls) = MakeDataset();
        string output = Path.Combine(_root, "shards");
        var rootBefore = Directory.GetFileSystemEntries(_root).Order().ToList();
        var report = ImageDownload.Run(Request(dataset, output));

        Assert.Equal(3, report.Shards);
        Assert.Equal(25, report.Count);
        Assert.Equal(report.Count, report.Successes + report.FailedToDownload + report.FailedToResize);
        // Rows 2, 5, 8, ... are bad: 8 of them, 3 fail to resize (not an image, truncated, bomb), 5 fail to download.
        Assert.Equal(17, report.Successes);
        Assert.Equal(3, report.FailedToResize);
        Assert.Equal(5, report.FailedToDownload);
        Assert.Equal(["00000.parquet", "00000.tar", "00000_stats.json", "00001.parquet", "00001.tar", "00001_stats.json", "00002.parquet", "00002.tar", "00002_stats.json"],
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // Nothing was written anywhere else.
        Assert.Equal([.. rootBefore, output], Directory.GetFileSystemEntries(_root).Order().ToList());

        var stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "00000_stats.json"))).RootElement;
        Assert.Equal(10, stats.GetProperty("count").GetInt32());
        Assert.Equal(stats.GetProperty("count").GetInt32(),
            stats.GetProperty("successes").GetInt32() + stats.GetProperty("failed_to_download").GetInt32() + stats.GetProperty("failed_to_resize").GetInt32());
        Assert.True(stats.GetProperty("status_dict").GetProperty("success").GetInt32() > 0);
        Assert.True(stats.TryGetProperty("duration", out _) && stats.TryGetProperty("start_time", out _) && stats.TryGetProperty("end_time", out _));

        // Tar members: key.jpg, key.txt, key.json per success; JSON fields exactly img2dataset's.
        int members = 0;
        foreach (string tar in Directory.GetFiles(output, "*.tar"))
        {
            using var r = TarShardReader.Open(tar);
            while (r.TryReadNext(out var e))
            {
                members++;
                var bytes = new byte[e.Length];
                r.ReadAt(e.DataOffset, bytes);
                if (e.Name.EndsWith(".json", StringComparison.Ordinal))
                {
                    var json = JsonDocument.Parse(bytes).RootElement;
                    Assert.Equal(["caption", "url", "key", "status", "error_message", "width", "height", "original_width", "original_height", "exif", "sha256"],
                        json.EnumerateObject().Select(p => p.Name));
                    // Generated JPEGs carry no EXIF: exifread finds none, img2dataset stores "{}".
                    Assert.Equal("{}", json.GetProperty("exif").GetString());
                    long rowid = long.Parse(json.GetProperty("key").GetString()!);
                    Assert.Equal(e.Name, $"{rowid:D9}.json");
                    Assert.Equal(urls[(int)rowid], json.GetProperty("url").GetString());
                    Assert.Equal($"caption number {rowid}", json.GetProperty("caption").GetString());
                    Assert.Equal("success", json.GetProperty("status").GetString());
                    Assert.Equal(64, json.GetProperty("width").GetInt32());
                    string url = urls[(int)rowid];
                    if (url.Contains("/img/"))
                    {
                        var parts = new Uri(url).Segments;
                        byte[] served = Host.Image(int.Parse(parts[2].TrimEnd('/')), 240, int.Parse(parts[4].Split('.')[0]));
                        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(served)), json.GetProperty("sha256").GetString());
                        Assert.Equal(int.Parse(parts[2].TrimEnd('/')), json.GetProperty("original_width").GetInt32());
                    }
                }
                else if (e.Name.EndsWith(".jpg", StringComparison.Ordinal))
                {
                    Assert.Equal(ImageFormat.Jpeg, ImageSniffer.Detect(bytes));
                    Assert.Equal((64, 64), TestImages.Size(bytes));
                }
            }
        }
        Assert.Equal(17 * 3, members);

        // Per-shard Parquet: every sample, failures with their message.
        var statuses = new List<(string Key, string Status, string? Error)>();
        foreach (string pq in Directory.GetFiles(output, "*.parquet"))
        {
            using var reader = TableReaders.Open(pq);
            Assert.Equal(["caption", "url", "key", "status", "error_message", "width", "height", "original_width", "original_height", "exif", "sha256"],
                reader.Schema.Columns.Select(c => c.Name));
            var batch = new ColumnBatch(reader.Schema.Count);
            while (reader.ReadBatch(batch, 100))
            {
                for (int i = 0; i < batch.RowCount; i++)
                    statuses.Add(((string)batch[2].ValueAt(i)!, (string)batch[3].ValueAt(i)!, batch[4].ValueAt(i) as string));
            }
        }
        Assert.Equal(25, statuses.Count);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"{i:D9}"), statuses.Select(s => s.Key).Order(StringComparer.Ordinal));
        Assert.Contains(statuses, s => s.Status == "failed_to_download" && s.Error == RobotsTag.DisallowedMessage);
        Assert.Contains(statuses, s => s.Status == "failed_to_download" && s.Error!.Contains("not an http(s) URL"));
        Assert.Contains(statuses, s => s.Status == "failed_to_download" && s.Error!.Contains("HTTP 404"));
        Assert.Contains(statuses, s => s.Status == "failed_to_resize" && s.Error!.Contains("image area too large"));

        // The shards as a source: rows from the JSON, images by reference, readable through the Store.
        string browse = Path.Combine(_root, "browse.trawl");
        var ingest = DatasetIngest.Run(browse, new IngestRequest { Sources = Directory.GetFiles(output, "*.tar").Order().ToList(), Table = "images" });
        Assert.Equal(17, ingest.RowsKept);
        using var ds = Dataset.Open(browse);
        Assert.True(ShardImages.HasLocalImages(ds.GetTable("images")));
        var image = ShardImages.Read(ds, "images", 0);
        Assert.Equal(ImageFormat.Jpeg, image.Format);
        Assert.Equal((64, 64), TestImages.Size(image.Bytes));
        var sql = ds.ExecuteSql("SELECT count(*), sum(image_length) > 0, count(DISTINCT image_shard) FROM images");
        Assert.Equal(17L, sql.Rows[0][0]);
        Assert.Equal(3L, sql.Rows[0][2]);
    }

    [Fact]
    public void An_interrupted_download_resumes_shard_by_shard_leaving_no_temporary_files()
    {
        var (dataset, _) = MakeDataset(30);
        string output = Path.Combine(_root, "shards");
        ImageDownload.Run(Request(dataset, output));
        // Lose shard 1 as an interruption would (its stats never written), with a stray temporary file.
        File.Delete(Path.Combine(output, "00001_stats.json"));
        File.WriteAllText(Path.Combine(output, ".00001.tar.tmp"), "partial");
        byte[] shard0 = File.ReadAllBytes(Path.Combine(output, "00000.tar"));
        var hitsBefore = Host.Hits.Values.Sum();

        var report = ImageDownload.Run(Request(dataset, output));
        Assert.Equal(1, report.Shards);
        Assert.Equal(2, report.ShardsResumed);
        Assert.Equal(10, report.Count);
        Assert.InRange(Host.Hits.Values.Sum() - hitsBefore, 1, 20);
        Assert.Equal(shard0, File.ReadAllBytes(Path.Combine(output, "00000.tar")));
        Assert.True(File.Exists(Path.Combine(output, "00001_stats.json")));
        Assert.Empty(Directory.GetFiles(output, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(output, ".*")));
    }

    [Fact]
    public void A_cancelled_download_leaves_complete_shards_and_no_partial_ones()
    {
        Directory.CreateDirectory(_root);
        string csv = Path.Combine(_root, "slow.csv");
        File.WriteAllLines(csv, ["url", .. Enumerable.Range(0, 40).Select(i => $"{Host.BaseUrl}/slow/100/{i}.jpg")]);
        string output = Path.Combine(_root, "out");
        using var cancel = new CancellationTokenSource();
        var progress = new SyncProgress<DownloadProgress>(p => { if (p.ShardsDone >= 1) cancel.Cancel(); });
        var request = Request(csv, output, shardSize: 10) with { CaptionColumn = null, Concurrency = 2 };
        Assert.ThrowsAny<OperationCanceledException>(() => ImageDownload.Run(request, progress, cancel.Token));
        Assert.True(File.Exists(Path.Combine(output, "00000_stats.json")));
        Assert.False(File.Exists(Path.Combine(output, "00003_stats.json")));
        Assert.Empty(Directory.GetFiles(output, "*.tmp"));
        foreach (string stats in Directory.GetFiles(output, "*_stats.json"))
        {
            string name = Path.GetFileName(stats)[..5];
            Assert.True(File.Exists(Path.Combine(output, name + ".tar")) && File.Exists(Path.Combine(output, name + ".parquet")));
        }
        // A file input keys rows by position; without a caption column there is no .txt and no caption field.
        using var r = TarShardReader.Open(Path.Combine(output, "00000.tar"));
        var names = new List<string>();
        while (r.TryReadNext(out var e))
            names.Add(e.Name);
        Assert.Contains("000000000.jpg", names);
        Assert.DoesNotContain(names, n => n.EndsWith(".txt", StringComparison.Ordinal));
    }

    /// <summary>Each sample's .json members by key, from every shard of a folder.</summary>
    private static Dictionary<string, JsonElement> Samples(string output, out Dictionary<string, byte[]> images)
    {
        var samples = new Dictionary<string, JsonElement>();
        images = [];
        foreach (string tar in Directory.GetFiles(output, "*.tar"))
        {
            using var r = TarShardReader.Open(tar);
            while (r.TryReadNext(out var e))
            {
                var bytes = new byte[e.Length];
                r.ReadAt(e.DataOffset, bytes);
                string key = e.Name[..e.Name.IndexOf('.')];
                if (e.Name.EndsWith(".json", StringComparison.Ordinal))
                    samples[key] = JsonDocument.Parse(bytes).RootElement.Clone();
                else if (!e.Name.EndsWith(".txt", StringComparison.Ordinal))
                    images[key] = bytes;
            }
        }
        return samples;
    }

    private static List<Dictionary<string, object?>> ParquetRows(string output, out List<string> columns)
    {
        var rows = new List<Dictionary<string, object?>>();
        columns = [];
        foreach (string pq in Directory.GetFiles(output, "*.parquet").Order())
        {
            using var reader = TableReaders.Open(pq);
            columns = [.. reader.Schema.Columns.Select(c => c.Name)];
            var batch = new ColumnBatch(reader.Schema.Count);
            while (reader.ReadBatch(batch, 100))
            {
                for (int i = 0; i < batch.RowCount; i++)
                    rows.Add(reader.Schema.Columns.Select((c, k) => (c.Name, batch[k].ValueAt(i))).ToDictionary(x => x.Name, x => x.Item2));
            }
        }
        return rows;
    }

    [Fact]
    public void Img2dataset_options_filter_hash_verify_keep_columns_and_record_exif()
    {
        Directory.CreateDirectory(_root);
        string b = Host.BaseUrl;
        byte[] good = Host.Image(320, 240, 1);
        string md5 = Convert.ToHexStringLower(MD5.HashData(good));
        var rows = new (string Url, string Hash, double Similarity, long Votes)[]
        {
            ($"{b}/img/320/240/1.jpg", md5, 0.31, 7),                                   // 0: kept
            ($"{b}/img/320/240/1.jpg", new string('0', 32), 0.32, 8),                  // 1: hash mismatch
            ($"{b}/img/64/48/2.jpg", "", 0.33, 9),                                      // 2: image too small
            ($"{b}/img/600/100/3.jpg", "", 0.34, 10),                                   // 3: aspect ratio too large
            ($"{b}/exif/400/300/4.jpg", "", 0.35, 11),                                  // 4: kept, with EXIF
        };
        string csv = Path.Combine(_root, "opts.csv");
        File.WriteAllLines(csv, ["url,caption,md5_expected,similarity,votes", .. rows.Select((r, i) => $"{r.Url},cap {i},{r.Hash},{r.Similarity.ToString(System.Globalization.CultureInfo.InvariantCulture)},{r.Votes}")]);
        string dataset = Path.Combine(_root, "opts.trawl");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "pairs" });
        string output = Path.Combine(_root, "opts-shards");
        var request = Request(dataset, output) with
        {
            AdditionalColumns = ["similarity", "votes"],
            Hash = SampleHash.Md5,
            Resize = new ResizeOptions { ImageSize = 64, Mode = ResizeMode.Border, MinImageSize = 100, MaxAspectRatio = 3 },
        };
        var report = ImageDownload.Run(request);
        Assert.Equal(3, report.Successes);

        var verified = ImageDownload.Run(request with { OutputFolder = output + "-v", VerifyHashColumn = "md5_expected" });
        Assert.Equal(1, verified.Successes);

        var samples = Samples(output, out var images);
        Assert.Equal(["000000000", "000000001", "000000004"], samples.Keys.Order(StringComparer.Ordinal));
        var first = samples["000000000"];
        Assert.Equal(["similarity", "votes", "caption", "url", "key", "status", "error_message", "width", "height", "original_width", "original_height", "exif", "md5"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.31, first.GetProperty("similarity").GetDouble());
        Assert.Equal(7, first.GetProperty("votes").GetInt64());
        Assert.Equal(md5, first.GetProperty("md5").GetString());
        string exif = samples["000000004"].GetProperty("exif").GetString()!;
        Assert.Equal("{\"Image Make\": \"TrawlCam\", \"Image Orientation\": \"Rotated 90 CW\"}", exif);
        Assert.Equal(Trawl.Formats.Images.Exif.ExifReader.ToImg2DatasetJson(TestImages.JpegWithExif(400, 300, 4)), exif);

        var parquet = ParquetRows(output, out var columns);
        Assert.Equal(["similarity", "votes", "caption", "url", "key", "status", "error_message", "width", "height", "original_width", "original_height", "exif", "md5"], columns);
        Assert.Equal("image too small", parquet.Single(r => (string)r["key"]! == "000000002")["error_message"]);
        Assert.Equal("aspect ratio too large", parquet.Single(r => (string)r["key"]! == "000000003")["error_message"]);
        Assert.Equal(10L, parquet.Single(r => (string)r["key"]! == "000000003")["votes"]);
        Assert.All(parquet.Where(r => (string)r["status"]! != "success"), r => Assert.Null(r["md5"]));

        // Verification: the expected hash comes from the input, so the Parquet holds it before url (img2dataset's schema).
        var vrows = ParquetRows(output + "-v", out var vcolumns);
        Assert.Equal(["similarity", "votes", "caption", "md5", "url", "key"], vcolumns.Take(6));
        Assert.Equal("hash mismatch", vrows.Single(r => (string)r["key"]! == "000000001")["error_message"]);
        Assert.Equal("failed_to_download", vrows.Single(r => (string)r["key"]! == "000000001")["status"]);
        Assert.Equal("success", vrows.Single(r => (string)r["key"]! == "000000000")["status"]);
        Assert.Equal(md5, vrows.Single(r => (string)r["key"]! == "000000000")["md5"]);

        var e = Assert.Throws<Trawl.Store.UserErrorException>(() => ImageDownload.Run(request with { AdditionalColumns = ["sha256"] }));
        Assert.Contains("reserves", e.Message);
        Assert.Throws<Trawl.Store.UserErrorException>(() => ImageDownload.Run(request with { Hash = SampleHash.None, VerifyHashColumn = "md5_expected" }));
        Assert.Throws<Trawl.Store.UserErrorException>(() => ImageDownload.Run(request with { Resize = new ResizeOptions { Format = EncodeFormat.Png, Quality = 95 } }));
    }

    [Fact]
    public void Disabled_reencoding_stores_the_bytes_as_downloaded_without_sizes_exif_or_hash_when_asked()
    {
        Directory.CreateDirectory(_root);
        string csv = Path.Combine(_root, "raw.csv");
        File.WriteAllLines(csv, ["url", $"{Host.BaseUrl}/exif/500/400/9.jpg", $"{Host.BaseUrl}/not-an-image.jpg"]);
        string output = Path.Combine(_root, "raw");
        var report = ImageDownload.Run(Request(csv, output) with { CaptionColumn = null, DisableAllReencoding = true, ExtractExif = false, Hash = SampleHash.None });
        // Nothing is decoded, so even the HTML page counts as a success, as in img2dataset.
        Assert.Equal(2, report.Successes);
        var samples = Samples(output, out var images);
        Assert.Equal(TestImages.JpegWithExif(500, 400, 9), images["000000000"]);
        var json = samples["000000000"];
        Assert.Equal(["url", "key", "status", "error_message", "width", "height", "original_width", "original_height"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("width").ValueKind);
        ParquetRows(output, out var columns);
        Assert.DoesNotContain("exif", columns);
        Assert.DoesNotContain("sha256", columns);
    }

    [Fact]
    public void A_missing_url_column_names_the_columns_there_are()
    {
        var (dataset, _) = MakeDataset(3);
        var e = Assert.Throws<Trawl.Store.UserErrorException>(() => ImageDownload.Run(Request(dataset, Path.Combine(_root, "o")) with { UrlColumn = "URL2" }));
        Assert.Contains("url, caption", e.Message);
    }

    /// <summary>Progress reported on the worker's own thread (Progress&lt;T&gt; would post it elsewhere, later).</summary>
    private sealed class SyncProgress<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }
}
