namespace Trawl.Web.Download;

/// <summary>img2dataset's per-sample status.</summary>
public enum SampleStatus
{
    Success,
    FailedToDownload,
    FailedToResize,
}
