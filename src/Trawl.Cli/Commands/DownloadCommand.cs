using System.CommandLine;
using System.Globalization;
using Trawl.Cli.Input;
using Trawl.Cli.Output;
using Trawl.Cli.Progress;
using Trawl.Web.Download;
using Trawl.Web.Http;
using Trawl.Web.Images;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl download DATASET --url-column URL --out SHARDS/</c>: img2dataset's downloader.</summary>
internal static class DownloadCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var input = new Argument<string>("DATASET") { Description = "A dataset (sample keys are the rows' rowids, so shards join back to the table) or any file Trawl reads (keys are row positions)." };
        var table = new Option<string?>("--table") { Description = "The dataset's table (default: its only table).", HelpName = "NAME" };
        var urlColumn = new Option<string>("--url-column") { Description = "The column holding image URLs.", HelpName = "COL", Required = true };
        var captionColumn = new Option<string?>("--caption-column") { Description = "A column of captions: written as KEY.txt and the JSON's caption.", HelpName = "COL" };
        var output = new Option<string>("--out") { Description = "The folder for the shards: NNNNN.tar, NNNNN.parquet and NNNNN_stats.json (created).", HelpName = "FOLDER", Required = true };
        var imageSize = new Option<int>("--image-size") { Description = "Target size in pixels (what it means depends on the resize mode).", HelpName = "PX", DefaultValueFactory = _ => 256 };
        OptionRange.Require(imageSize, 1, 16384, "--image-size must be between 1 and 16384");
        var resizeMode = new Option<string>("--resize-mode") { Description = "border: longer side to the size, padded white to a square; keep_ratio: shorter side to the size; keep_ratio_largest: longer side to the size; center_crop: shorter side to the size, centre square cut; no: original size.", HelpName = "MODE", DefaultValueFactory = _ => "border" };
        resizeMode.AcceptOnlyFromAmong(ImageOptionNames.ResizeModes.ToArray());
        var onlyIfBigger = new Option<bool>("--resize-only-if-bigger") { Description = "Resize only images bigger than the target; smaller ones keep their size, with no border or crop (img2dataset's resize_only_if_bigger)." };
        var encodeFormat = new Option<string>("--encode-format") { Description = "Format of the stored images: jpg, png or webp.", HelpName = "FORMAT", DefaultValueFactory = _ => "jpg" };
        encodeFormat.AcceptOnlyFromAmong(ImageOptionNames.EncodeFormats.ToArray());
        var quality = new Option<int?>("--encode-quality") { Description = "JPEG/WebP quality 0-100 (default 95); for png the compression level 0-9 (default 9), as img2dataset.", HelpName = "Q" };
        OptionRange.Require(quality, 0, 100, "--encode-quality must be between 0 and 100");
        var minImageSize = new Option<int>("--min-image-size") { Description = "Refuse images whose shorter side is smaller (failed_to_resize \"image too small\").", HelpName = "PX", DefaultValueFactory = _ => 0 };
        OptionRange.Require(minImageSize, 0, 1 << 20, "--min-image-size must be between 0 and 1048576");
        var maxImageArea = new Option<double?>("--max-image-area") { Description = "Refuse images with more pixels (\"image area too large\"); no limit by default.", HelpName = "PIXELS" };
        var maxAspectRatio = new Option<double?>("--max-aspect-ratio") { Description = "Refuse images whose longer side over shorter side is larger (\"aspect ratio too large\"); no limit by default.", HelpName = "RATIO" };
        var skipReencode = new Option<bool>("--skip-reencode") { Description = "Keep the downloaded bytes when no resize is needed and they are already in the output format." };
        var disableReencoding = new Option<bool>("--disable-all-reencoding") { Description = "Store the bytes as downloaded: no decoding, no resizing, no size filters; width and height are null." };
        var additional = new Option<string[]>("--save-additional-columns") { Description = "Further columns kept in each sample's JSON and Parquet (comma-separated or repeated).", HelpName = "COLS", AllowMultipleArgumentsPerToken = false };
        var extractExif = new Option<bool>("--extract-exif") { Description = "Record EXIF tags in the exif field as exifread prints them, as img2dataset does (default true; --extract-exif false leaves the field out).", HelpName = "true|false", DefaultValueFactory = _ => true };
        var computeHash = new Option<string>("--compute-hash") { Description = "Hash of the bytes as downloaded, in a column named after it: none, md5, sha256 or sha512.", HelpName = "HASH", DefaultValueFactory = _ => "sha256" };
        computeHash.AcceptOnlyFromAmong(SampleHashes.Names.ToArray());
        var verifyHash = new Option<string?>("--verify-hash-column") { Description = "A column holding each image's expected hash (of the --compute-hash kind); a different one is failed_to_download \"hash mismatch\".", HelpName = "COL" };
        var userAgentToken = new Option<string>("--user-agent-token") { Description = "The token in the User-Agent, which X-Robots-Tag directives may address (img2dataset's default).", HelpName = "TOKEN", DefaultValueFactory = _ => "img2dataset" };
        var directives = new Option<string?>("--disallowed-header-directives") { Description = "X-Robots-Tag directives that forbid using an image, comma-separated (default noai,noimageai,noindex,noimageindex).", HelpName = "LIST" };
        var shardSize = new Option<int>("--shard-size") { Description = "Samples per shard.", HelpName = "N", DefaultValueFactory = _ => 10_000 };
        OptionRange.Require(shardSize, 1, 10_000_000, "--shard-size must be between 1 and 10,000,000");
        var concurrency = new Option<int>("--concurrency") { Description = "Downloads in flight at once.", HelpName = "N", DefaultValueFactory = _ => 32 };
        OptionRange.Require(concurrency, 1, 4096, "--concurrency must be between 1 and 4096");
        var perHost = new Option<int>("--per-host") { Description = "Downloads in flight to one host at most (politeness).", HelpName = "N", DefaultValueFactory = _ => 16 };
        OptionRange.Require(perHost, 1, 4096, "--per-host must be between 1 and 4096");
        var timeout = new Option<string>("--timeout") { Description = "Time limit of one download, body included (10s, 500ms).", HelpName = "DURATION", DefaultValueFactory = _ => "10s" };
        var retries = new Option<int>("--retries") { Description = "Further attempts after a network error, a timeout, a 5xx or a 429.", HelpName = "N", DefaultValueFactory = _ => 2 };
        OptionRange.Require(retries, 0, 20, "--retries must be between 0 and 20");
        var maxBytes = new Option<long>("--max-bytes") { Description = "Refuse bodies larger than this many bytes.", HelpName = "N", DefaultValueFactory = _ => 16L << 20 };
        OptionRange.Require(maxBytes, 1, 1L << 32, "--max-bytes must be between 1 and 4 GiB");
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse images whose header declares more pixels than this, before decoding (decompression bombs).", HelpName = "N", DefaultValueFactory = _ => 89_478_485L };
        OptionRange.Require(maxPixels, 1, 1L << 40, "--max-pixels must be positive");
        var noOptOut = new Option<bool>("--ignore-opt-out") { Description = "Do not honour X-Robots-Tag noai, noimageai, noindex and noimageindex (honoured by default, as img2dataset does)." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };

        var command = new Command("download", "Download the images of a table's URL column into webdataset shards, img2dataset's layout: NNNNN.tar with KEY.jpg, KEY.txt and KEY.json per image, NNNNN.parquet with every sample's status, NNNNN_stats.json. Resized with SkiaSharp, opt-outs honoured, retries and a per-host limit; an interrupted download resumes shard by shard.")
        {
            input, table, urlColumn, captionColumn, output, imageSize, resizeMode, onlyIfBigger, encodeFormat, quality, shardSize,
            concurrency, perHost, timeout, retries, maxBytes, maxPixels, noOptOut, minImageSize, maxImageArea, maxAspectRatio,
            skipReencode, disableReencoding, additional, extractExif, computeHash, verifyHash, userAgentToken, directives, json,
        };
        command.SetAction(parse =>
        {
            var fetch = new FetchOptions
            {
                Timeout = DurationText.Parse(parse.GetValue(timeout)!, "--timeout"),
                Retries = parse.GetValue(retries),
                PerHostLimit = parse.GetValue(perHost),
                MaxBodyBytes = parse.GetValue(maxBytes),
            };
            fetch = fetch with { UserAgentToken = parse.GetValue(userAgentToken)!.Trim().ToLowerInvariant() };
            if (parse.GetValue(directives) is { } list)
                fetch = fetch with { OptOutDirectives = [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => d.ToLowerInvariant())] };
            if (parse.GetValue(noOptOut))
                fetch = fetch with { OptOutDirectives = [] };
            var format = ImageOptionNames.ParseEncodeFormat(parse.GetValue(encodeFormat)!);
            var request = new DownloadRequest
            {
                Input = parse.GetValue(input)!,
                Table = parse.GetValue(table),
                UrlColumn = parse.GetValue(urlColumn)!,
                CaptionColumn = parse.GetValue(captionColumn),
                OutputFolder = parse.GetValue(output)!,
                ShardSize = parse.GetValue(shardSize),
                Concurrency = parse.GetValue(concurrency),
                Resize = new ResizeOptions
                {
                    ImageSize = parse.GetValue(imageSize),
                    Mode = ImageOptionNames.ParseResizeMode(parse.GetValue(resizeMode)!),
                    Format = format,
                    Quality = parse.GetValue(quality) ?? (format == EncodeFormat.Png ? 9 : 95),
                    OnlyIfBigger = parse.GetValue(onlyIfBigger),
                    MaxPixels = parse.GetValue(maxPixels),
                    MinImageSize = parse.GetValue(minImageSize),
                    MaxImageArea = parse.GetValue(maxImageArea) ?? double.PositiveInfinity,
                    MaxAspectRatio = parse.GetValue(maxAspectRatio) ?? double.PositiveInfinity,
                    SkipReencode = parse.GetValue(skipReencode),
                },
                Fetch = fetch,
                AdditionalColumns = ColumnList.Parse(parse.GetValue(additional)),
                ExtractExif = parse.GetValue(extractExif),
                Hash = SampleHashes.Parse(parse.GetValue(computeHash)!),
                VerifyHashColumn = parse.GetValue(verifyHash),
                DisableAllReencoding = parse.GetValue(disableReencoding),
            };
            var r = WorkProgress.Run(terminal, WebProgressDisplay.Download, (progress, cancel) => ImageDownload.Run(request, progress, cancel));
            var c = CultureInfo.InvariantCulture;
            if (parse.GetValue(json))
            {
                new JsonOutput(terminal.Out).WriteDocument(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("output", r.OutputFolder);
                    w.WriteNumber("shards", r.Shards);
                    w.WriteNumber("shards_resumed", r.ShardsResumed);
                    w.WriteNumber("count", r.Count);
                    w.WriteNumber("successes", r.Successes);
                    w.WriteNumber("failed_to_download", r.FailedToDownload);
                    w.WriteNumber("failed_to_resize", r.FailedToResize);
                    w.WriteNumber("seconds", Math.Round(r.Elapsed.TotalSeconds, 3));
                    w.WriteEndObject();
                });
            }
            else
            {
                double s = r.Elapsed.TotalSeconds;
                terminal.Out.WriteLine($"{r.OutputFolder}: {r.Shards} shard{(r.Shards == 1 ? "" : "s")} written ({r.ShardsResumed} done earlier), {r.Count.ToString("N0", c)} samples: "
                    + $"{r.Successes.ToString("N0", c)} ok, {r.FailedToDownload.ToString("N0", c)} failed to download, {r.FailedToResize.ToString("N0", c)} failed to resize, "
                    + $"in {s.ToString("0.0", c)} s" + (s > 0 ? $" ({(r.Count / s).ToString("N0", c)} images/s)" : ""));
            }
            return CliExitCode.Ok;
        });
        return command;
    }
}
