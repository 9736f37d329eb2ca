namespace Trawl.Store.AnnIndexes;

/// <summary>How an index build is going.</summary>
/// <param name="Phase">"train" (learning centroids or codebooks), "add" (inserting rows) or "save".</param>
/// <param name="Done">Rows added so far (0 while training).</param>
/// <param name="Total">Rows to add.</param>
public sealed record IndexBuildProgress(string Phase, long Done, long Total);
