using System.Diagnostics;
using System.Globalization;
using Trawl.Formats.Images.Exif;
using Trawl.Store;
using Trawl.Web.Http;
using Trawl.Web.Images;

namespace Trawl.Web.Download;

/// <summary>
/// <c>trawl download</c>: img2dataset's downloader. Rows are cut into shards of <see cref="DownloadRequest.ShardSize"/>
/// in input order; each shard's images are fetched concurrently (with the per-host limit, retries, the body limit and
/// the X-Robots-Tag opt-outs of <see cref="WebFetcher"/>), hashed (sha256 of the bytes as downloaded), decoded and
/// resized (<see cref="ImageResizer"/>, a bounded number at once), and written to the shard's tar and Parquet. Shards
/// an earlier run completed are skipped, so an interrupted download resumes shard by shard.
/// </summary>
public static class ImageDownload
{
    public static DownloadReport Run(DownloadRequest request, IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        Validate(request);
        var started = Stopwatch.StartNew();
        var cpuStart = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        Directory.CreateDirectory(request.OutputFolder);
        string folder = Path.GetFullPath(request.OutputFolder);
        var resizer = new ImageResizer(request.Resize);
        string extension = ImageOptionNames.Extension(request.Resize.Format);
        int resizeThreads = request.ResizeThreads > 0 ? request.ResizeThreads : Environment.ProcessorCount;
        using var cpuGate = new SemaphoreSlim(resizeThreads, resizeThreads);

        var (rows, rowCount, extraTypes, owner) = SourceRows.Open(request);
        using var _ = owner;
        var layout = new SampleLayout(extraTypes, request.CaptionColumn is not null, request.ExtractExif, request.Hash, request.VerifyHashColumn is not null);
        using var fetcher = new WebFetcher(request.Fetch);
        long done = 0, successes = 0, failedDownload = 0, failedResize = 0;
        int shardsDone = 0, shardsResumed = 0, shard = 0;
        long lastReport = 0;
        var reportLock = new object();
        void Report(bool force)
        {
            lock (reportLock)
            {
                long now = started.ElapsedMilliseconds;
                if (!force && now - lastReport < 200)
                    return;
                lastReport = now;
                progress?.Report(new DownloadProgress(rowCount ?? 0, Interlocked.Read(ref done), Interlocked.Read(ref successes),
                    Interlocked.Read(ref failedDownload), Interlocked.Read(ref failedResize), shardsDone, shardsResumed, shard));
            }
        }

        var batch = new List<SourceRow>(Math.Min(request.ShardSize, 100_000));
        using var enumerator = rows.GetEnumerator();
        bool more = true;
        while (more)
        {
            batch.Clear();
            while (batch.Count < request.ShardSize && (more = enumerator.MoveNext()))
                batch.Add(enumerator.Current);
            if (batch.Count == 0)
                break;
            cancel.ThrowIfCancellationRequested();
            if (ShardOutput.IsComplete(folder, shard))
            {
                shardsResumed++;
                shard++;
                Report(true);
                continue;
            }
            using (var output = new ShardOutput(folder, shard, extension, layout))
            {
                var options = new ParallelOptions { MaxDegreeOfParallelism = request.Concurrency, CancellationToken = cancel };
                Parallel.ForEachAsync(batch, options, async (row, ct) =>
                {
                    var (sample, image) = await Fetch(row, request, fetcher, resizer, cpuGate, ct).ConfigureAwait(false);
                    output.Add(sample, image);
                    Interlocked.Increment(ref done);
                    switch (sample.Status)
                    {
                        case SampleStatus.Success: Interlocked.Increment(ref successes); break;
                        case SampleStatus.FailedToDownload: Interlocked.Increment(ref failedDownload); break;
                        default: Interlocked.Increment(ref failedResize); break;
                    }
                    Report(false);
                }).GetAwaiter().GetResult();
                output.Commit();
            }
            shardsDone++;
            shard++;
            Report(true);
        }
        double cpu = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        return new DownloadReport(folder, shardsDone, shardsResumed, done, successes, failedDownload, failedResize, started.Elapsed, cpu);
    }

    private static void Validate(DownloadRequest r)
    {
        if (r.ShardSize < 1)
            throw new UserErrorException("--shard-size must be at least 1");
        if (r.Concurrency < 1)
            throw new UserErrorException("--concurrency must be at least 1");
        if (r.Resize.ImageSize < 1 || r.Resize.ImageSize > 16384)
            throw new UserErrorException("--image-size must be between 1 and 16384");
        if (r.Resize.Quality is < 0 or > 100)
            throw new UserErrorException("--encode-quality must be between 0 and 100");
        if (r.Resize.Format == EncodeFormat.Png && r.Resize.Quality > 9)
            throw new UserErrorException($"--encode-quality for png is the compression level, 0 to 9 (got {r.Resize.Quality})");
        if (!(r.Resize.MaxImageArea > 0) || !(r.Resize.MaxAspectRatio >= 1))
            throw new UserErrorException("--max-image-area must be positive and --max-aspect-ratio at least 1");
        if (r.VerifyHashColumn is not null && r.Hash == SampleHash.None)
            throw new UserErrorException("--verify-hash-column needs a hash to compare with: give --compute-hash md5, sha256 or sha512");
        string[] reserved = ["key", "caption", "url", "width", "height", "original_width", "original_height", "status", "error_message", "exif", "md5", "sha256", "sha512"];
        foreach (string c in r.AdditionalColumns)
        {
            if (reserved.Contains(c, StringComparer.OrdinalIgnoreCase))
                throw new UserErrorException($"--save-additional-columns: '{c}' is one of the columns img2dataset reserves ({string.Join(", ", reserved)})");
        }
        if (File.Exists(r.OutputFolder))
            throw new UserErrorException($"--out {r.OutputFolder} is a file; give a folder");
    }

    private static async Task<(SampleRecord, byte[]?)> Fetch(SourceRow row, DownloadRequest request, WebFetcher fetcher, ImageResizer resizer, SemaphoreSlim cpuGate, CancellationToken cancel)
    {
        string key = row.Key.ToString("D9", CultureInfo.InvariantCulture);
        var failed = new SampleRecord(row.Url, row.Caption, key, SampleStatus.FailedToDownload, null, null, null, null, null, null, null) { Extra = row.Extra };
        var fetch = await fetcher.GetAsync(row.Url ?? "", cancel).ConfigureAwait(false);
        if (fetch.Status != FetchStatus.Ok || fetch.Body is null)
            return (failed with { ErrorMessage = fetch.Error ?? "download failed" }, null);
        string? hash = SampleHashes.Compute(request.Hash, fetch.Body);
        if (request.VerifyHashColumn is not null && !string.Equals(hash, row.ExpectedHash, StringComparison.Ordinal))
            return (failed with { ErrorMessage = "hash mismatch" }, null);
        if (request.DisableAllReencoding)
        {
            return (new SampleRecord(row.Url, row.Caption, key, SampleStatus.Success, null, null, null, null, null,
                request.ExtractExif ? ExifReader.ToImg2DatasetJson(fetch.Body) : null, hash) { Extra = row.Extra }, fetch.Body);
        }
        ResizedImage resized;
        string? exif;
        await cpuGate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            resized = resizer.Resize(fetch.Body);
            exif = resized.Ok && request.ExtractExif ? ExifReader.ToImg2DatasetJson(fetch.Body) : null;
        }
        finally
        {
            cpuGate.Release();
        }
        if (!resized.Ok)
            return (failed with { Status = SampleStatus.FailedToResize, ErrorMessage = resized.Error }, null);
        return (new SampleRecord(row.Url, row.Caption, key, SampleStatus.Success, null, resized.Width, resized.Height,
            resized.OriginalWidth, resized.OriginalHeight, exif, hash) { Extra = row.Extra }, resized.Bytes);
    }
}
