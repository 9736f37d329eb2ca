namespace Trawl.Store.Ingest.Pipeline;

/// <summary>
/// Where the kept rows of an ingest go: the table (rows + FTS + statistics), vector sets, and later column files
/// or a ClickHouse table. Every sink sees the same batches with the same kept rows, in table order. The commit is
/// two-phase: <see cref="Complete"/> finishes the sink's structures and makes them durable before the dataset's
/// SQLite commit, <see cref="Publish"/> makes them visible after it (see docs/dataset-format.md).
/// </summary>
internal interface IIngestSink : IDisposable
{
    /// <summary>The sink's name in reports ("table", "vectors").</summary>
    string Name { get; }

    /// <summary>Rows written by this ingest.</summary>
    long RowsWritten { get; }

    /// <summary>A source starts: its columns and where each table column's values come from.</summary>
    void BeginSource(IngestSource source);

    /// <summary>The kept rows of <paramref name="batch"/> (<see cref="IngestBatch.Keep"/>), in order.</summary>
    void Write(IngestSource source, IngestBatch batch);

    /// <summary>The source ended after <paramref name="rowsRead"/> rows.</summary>
    void EndSource(IngestSource source, long rowsRead);

    /// <summary>After the last source, before the commit: finish and make durable.</summary>
    void Complete();

    /// <summary>After the commit: make visible what is not visible through the SQLite commit itself.</summary>
    void Publish();
}
