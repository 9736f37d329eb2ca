namespace Trawl.Web.Download;

/// <summary>How far a download is: samples done (this run) out of the rows to do, by outcome, and shards.</summary>
public sealed record DownloadProgress(long RowsTotal, long Done, long Successes, long FailedToDownload, long FailedToResize, int ShardsDone, int ShardsResumed, int CurrentShard);
