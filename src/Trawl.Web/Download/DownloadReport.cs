namespace Trawl.Web.Download;

/// <summary>The result of <c>trawl download</c> (this run's samples; resumed shards are counted apart).</summary>
public sealed record DownloadReport(string OutputFolder, int Shards, int ShardsResumed, long Count, long Successes, long FailedToDownload, long FailedToResize, TimeSpan Elapsed, double CpuSeconds);
