namespace Trawl.Store.Ingest;

/// <summary>
/// Loads sources into a dataset, creating it if needed. All or nothing: the work happens on a
/// temporary copy of meta.db that is renamed into place only when everything succeeded, so a failed
/// or interrupted ingest leaves the dataset exactly as it was.
/// </summary>
public static class DatasetIngest
{
    public static IngestReport Run(string datasetPath, IngestRequest request, IProgress<IngestProgress>? progress = null, CancellationToken cancel = default)
        => throw new NotImplementedException();
}
