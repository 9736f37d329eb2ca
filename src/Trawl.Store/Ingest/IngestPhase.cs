namespace Trawl.Store.Ingest;

/// <summary>The steps of an ingest, in the order they run; <see cref="IngestReport.Phases"/> times each.</summary>
public enum IngestPhase
{
    /// <summary>Reading, parsing, filtering, deriving and inserting the rows.</summary>
    Rows,
    /// <summary>Building (or extending) the FTS5 index.</summary>
    FullText,
    /// <summary>Bookkeeping, facet statistics and --index indexes.</summary>
    Statistics,
    /// <summary>The SQLite commit (and a new dataset's switch to WAL and rename into place).</summary>
    Commit,
    /// <summary>The column files, read back from the committed rows.</summary>
    ColumnFiles,
    /// <summary>The full-text ranking files (document lengths, repeated terms), read from the FTS5 index.</summary>
    Ranking,
}
