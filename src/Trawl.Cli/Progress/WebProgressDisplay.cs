using System.Globalization;
using Trawl.Web.Download;
using Trawl.Web.Inventory;

namespace Trawl.Cli.Progress;

/// <summary>Progress of <c>trawl inventory</c> (URLs/s) and <c>trawl download</c> (images/s, success rate) through <see cref="WorkProgress"/>.</summary>
internal static class WebProgressDisplay
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static readonly ProgressView<InventoryProgress> Inventory = new(
        BarText: (p, t) => p.Phase == "load" ? "loading the answers" : $"{IngestProgressDisplay.Count(p.Done)}/{IngestProgressDisplay.Count(p.Total)} URLs {Rate(p.Done - p.Resumed, t)}/s",
        LineText: DescribeInventory,
        Amount: p => p.Total > 0 ? (p.Done, p.Total) : null,
        BarWidth: 20,
        Refresh: TimeSpan.FromMilliseconds(200));

    public static readonly ProgressView<DownloadProgress> Download = new(
        BarText: (p, t) => $"{IngestProgressDisplay.Count(p.Done)} images {Rate(p.Done, t)}/s {Success(p)} ok",
        LineText: DescribeDownload,
        Amount: p => p.RowsTotal > 0 ? (p.Done, p.RowsTotal) : null,
        BarWidth: 20,
        Refresh: TimeSpan.FromMilliseconds(200));

    internal static string DescribeInventory(InventoryProgress p, TimeSpan elapsed) => p.Phase == "load"
        ? "loading the answers into the dataset"
        : $"{p.Done.ToString("N0", C)} of {p.Total.ToString("N0", C)} URLs ({p.Resumed.ToString("N0", C)} from an earlier run), "
          + $"{p.Answered.ToString("N0", C)} answered, {p.Failed.ToString("N0", C)} failed, {Rate(p.Done - p.Resumed, elapsed)} URLs/s";

    internal static string DescribeDownload(DownloadProgress p, TimeSpan elapsed) =>
        $"shard {p.CurrentShard}: {p.Done.ToString("N0", C)}{(p.RowsTotal > 0 ? " of " + p.RowsTotal.ToString("N0", C) : "")} images, "
        + $"{p.Successes.ToString("N0", C)} ok ({Success(p)}), {p.FailedToDownload.ToString("N0", C)} failed to download, "
        + $"{p.FailedToResize.ToString("N0", C)} failed to resize, {Rate(p.Done, elapsed)} images/s"
        + (p.ShardsResumed > 0 ? $", {p.ShardsResumed} shards done earlier" : "");

    private static string Success(DownloadProgress p) => p.Done > 0 ? (100.0 * p.Successes / p.Done).ToString("0", C) + "%" : "-";

    private static string Rate(long n, TimeSpan elapsed) => elapsed.TotalSeconds > 0 ? (n / elapsed.TotalSeconds).ToString("N0", C) : "0";
}
