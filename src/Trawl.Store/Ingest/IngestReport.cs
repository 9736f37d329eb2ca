namespace Trawl.Store.Ingest;

/// <summary>What an ingest did.</summary>
public sealed record IngestReport(
    string Table,
    long RowsRead,
    long RowsKept,
    long RowsFiltered,
    long Duplicates,
    IReadOnlyList<string> ColumnsAdded,
    TimeSpan Elapsed)
{
    /// <summary>Sources not loaded because the table already holds them (same size and fingerprint).</summary>
    public int SkippedSources { get; init; }

    /// <summary>Records the readers left out and kept going (refused tar members, a damaged shard's tail).</summary>
    public long SkippedRecords { get; init; }

    /// <summary>Why, naming the file and byte offset (the first 200 only).</summary>
    public IReadOnlyList<string> SkipMessages { get; init; } = [];

    /// <summary>Vector sets written by this ingest, with their row counts after it.</summary>
    public IReadOnlyList<(string Name, long Count, int Dimension)> VectorSets { get; init; } = [];

    /// <summary>Each pipeline stage that ran (where, derive, dedupe), with the rows it saw and passed on.</summary>
    public IReadOnlyList<IngestStageCounters> Stages { get; init; } = [];

    /// <summary>How meta.db was written: a new file, or in place through WAL (readers open) or a rollback journal.</summary>
    public AppendJournal Journal { get; init; }

    /// <summary>Rows of a new table whose full-text indexing ran on a second thread (0: the index was built on one;
    /// see <see cref="IngestRequest.ParallelIndexFromBytes"/>).</summary>
    public long FullTextSecondThreadRows { get; init; }

    /// <summary>Each sink (table, vectors) with the rows written to it.</summary>
    public IReadOnlyList<IngestStageCounters> Sinks { get; init; } = [];

    /// <summary>Wall time of each phase that ran, in order (rows, full-text index, statistics, commit, column
    /// files, ranking files): where a slow ingest spends its time.</summary>
    public IReadOnlyList<IngestPhaseTime> Phases { get; init; } = [];
}
