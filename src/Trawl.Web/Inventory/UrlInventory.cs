using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Trawl.Store;
using Trawl.Store.Ingest;
using Trawl.Web.Http;

namespace Trawl.Web.Inventory;

/// <summary>
/// <c>trawl inventory</c>: a HEAD request per URL of a list (GET with Range: bytes=0-0 when HEAD is refused),
/// every answer appended to a journal beside the dataset (<c>OUT.inventory.jsonl</c>) so an interrupted run
/// resumes where it stopped (URLs whose host answered are not asked again), then the journal's latest answer per
/// URL, with the path columns, loaded into a table of the dataset. Its memory does not grow with the list: the list
/// and the journal are worked through in buckets (<see cref="InventoryWork"/>).
/// </summary>
public static class UrlInventory
{
    private const double BytesPerGb = 1e9;

    public static InventoryReport Run(InventoryRequest request, IProgress<InventoryProgress>? progress = null, CancellationToken cancel = default)
    {
        if (request.Concurrency < 1)
            throw new UserErrorException("--concurrency must be at least 1");
        var started = Stopwatch.StartNew();
        if (!File.Exists(request.UrlsFile))
            throw new FileNotFoundException($"{request.UrlsFile}: no such file", request.UrlsFile);
        string dataset = request.Output.TrimEnd('/', '\\');
        string journal = JournalPath(dataset);
        EndWithNewline(journal);
        long journalStart = File.Exists(journal) ? new FileInfo(journal).Length : 0;

        using var work = new InventoryWork(dataset, new FileInfo(request.UrlsFile).Length, request.WorkBucketBytes);
        var folders = new UrlFolders();
        work.SplitList(request.UrlsFile, url =>
        {
            if (UrlCheck.TryParse(url, out _) is { } uri)
                folders.Add(uri);
        });
        work.SplitJournal(journal, 0);
        var (urls, todo) = work.PlanRequests(Answered);
        long resumed = urls - todo;
        long done = resumed, answered = 0, failed = 0;
        progress?.Report(new InventoryProgress(urls, done, 0, 0, resumed, "request"));

        using (var fetcher = new WebFetcher(request.Fetch))
        using (var writer = new StreamWriter(new FileStream(journal, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)))
        {
            var gate = new object();
            long lastReport = 0;
            var options = new ParallelOptions { MaxDegreeOfParallelism = request.Concurrency, CancellationToken = cancel };
            Parallel.ForEachAsync(work.Todo(), options, async (url, ct) =>
            {
                FetchResult r = await fetcher.HeadAsync(url, ct).ConfigureAwait(false);
                string line = JournalLine(url, r);
                lock (gate)
                {
                    writer.WriteLine(line);
                    done++;
                    if (r.Answered) answered++; else failed++;
                    long now = started.ElapsedMilliseconds;
                    if (now - lastReport >= 200)
                    {
                        lastReport = now;
                        writer.Flush();
                        progress?.Report(new InventoryProgress(urls, done, answered, failed, resumed, "request"));
                    }
                }
            }).GetAwaiter().GetResult();
            writer.Flush();
        }
        progress?.Report(new InventoryProgress(urls, done, answered, failed, resumed, "load"));

        // This run's answers join their buckets; then the latest answer per URL, in list order, with the path columns.
        work.SplitJournal(journal, journalStart);
        long totalAnswered = 0, totalFailed = 0, totalBytes = 0;
        work.WriteLoadFile((url, record) =>
        {
            using var doc = JsonDocument.Parse(record);
            var e = doc.RootElement;
            var status = e.GetProperty("status");
            if (status.ValueKind == JsonValueKind.Number) totalAnswered++; else totalFailed++;
            if (status.ValueKind == JsonValueKind.Number && status.GetInt32() is >= 200 and < 300 && e.GetProperty("size").ValueKind == JsonValueKind.Number)
                totalBytes += e.GetProperty("size").GetInt64();
            return TableLine(e, url, folders);
        });
        DatasetIngest.Run(dataset, new IngestRequest
        {
            Sources = [work.LoadFile],
            Table = request.Table,
            Format = "jsonl",
            Mode = IngestMode.Replace,
            SearchColumns = ["url"],
        }, null, cancel);
        return new InventoryReport(dataset, request.Table, urls, todo, resumed, totalAnswered, totalFailed, totalBytes, journal, started.Elapsed);
    }

    /// <summary>A journal cut inside a line gets a newline, so the next record starts on its own line.</summary>
    private static void EndWithNewline(string journal)
    {
        if (!File.Exists(journal) || new FileInfo(journal).Length == 0)
            return;
        using var file = new FileStream(journal, FileMode.Open, FileAccess.ReadWrite);
        file.Seek(-1, SeekOrigin.End);
        if (file.ReadByte() != '\n')
            file.WriteByte((byte)'\n');
    }

    public static string JournalPath(string dataset) => dataset.TrimEnd('/', '\\') + ".inventory.jsonl";

    /// <summary>Whether a record is final: the host answered, or the URL can never be fetched.</summary>
    private static bool Answered(string record)
    {
        using var doc = JsonDocument.Parse(record);
        var e = doc.RootElement;
        return e.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Number
            || e.TryGetProperty("skipped", out var k) && k.ValueKind == JsonValueKind.True;
    }

    private static string JournalLine(string url, FetchResult r)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("url", url);
            if (r.HttpStatus is int s) w.WriteNumber("status", s); else w.WriteNull("status");
            if (r.Size is long size) w.WriteNumber("size", size); else w.WriteNull("size");
            w.WriteString("content_type", r.ContentType);
            w.WriteString("last_modified", r.LastModified);
            w.WriteString("method", r.Method);
            w.WriteString("error", r.Error);
            // A URL that can never be fetched counts as answered: asking again would not change it.
            if (r.Status == FetchStatus.BadUrl)
                w.WriteBoolean("skipped", true);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static string TableLine(JsonElement e, string url, UrlFolders folders)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("url", url);
            var status = e.GetProperty("status");
            if (status.ValueKind == JsonValueKind.Number) w.WriteNumber("status", status.GetInt32()); else w.WriteNull("status");
            var size = e.GetProperty("size");
            if (size.ValueKind == JsonValueKind.Number)
            {
                w.WriteNumber("size", size.GetInt64());
                w.WriteNumber("size_gb", Math.Round(size.GetInt64() / BytesPerGb, 6));
            }
            else
            {
                w.WriteNull("size");
                w.WriteNull("size_gb");
            }
            w.WriteString("content_type", e.GetProperty("content_type").GetString());
            w.WriteString("last_modified", e.GetProperty("last_modified").GetString());
            w.WriteString("method", e.GetProperty("method").GetString());
            w.WriteString("error", e.GetProperty("error").GetString());
            if (UrlCheck.TryParse(url, out _) is { } uri)
            {
                var (path, top, tops) = folders.Split(uri);
                w.WriteString("path", path);
                w.WriteString("top_folder", top);
                w.WriteString("top_folders", tops);
            }
            else
            {
                w.WriteNull("path");
                w.WriteNull("top_folder");
                w.WriteNull("top_folders");
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
