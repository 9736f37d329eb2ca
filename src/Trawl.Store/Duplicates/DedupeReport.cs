namespace Trawl.Store.Duplicates;

/// <summary>What a dedupe found and wrote.</summary>
/// <param name="Table">The table whose rows got dup_cluster and dup_of.</param>
/// <param name="Search">How pairs were found: "exact", the index factory (e.g. "HNSW32"), or "minhash 32x4".</param>
/// <param name="Rows">Rows compared.</param>
/// <param name="Pairs">Pairs at or above the threshold found.</param>
/// <param name="Clusters">Clusters of two or more rows.</param>
/// <param name="RowsInClusters">Rows in those clusters.</param>
/// <param name="Duplicates">Rows marked as duplicates (dup_of set): RowsInClusters − Clusters.</param>
/// <param name="Recall">Share of the sample rows' exact pairs the candidate search found; null when the search was exact or no sample pair exists.</param>
/// <param name="RecallSampleRows">Rows in the recall sample.</param>
/// <param name="RecallSamplePairs">Exact pairs of the sample rows.</param>
/// <param name="ResumedAtRow">The row an interrupted run was resumed from, or null.</param>
public sealed record DedupeReport(
    string Table,
    string Search,
    double Threshold,
    string Keep,
    long Rows,
    long Pairs,
    long Clusters,
    long RowsInClusters,
    long Duplicates,
    double? Recall,
    int RecallSampleRows,
    long RecallSamplePairs,
    long? ResumedAtRow,
    TimeSpan Elapsed);
