namespace Trawl.Store.Ingest.Pipeline;

/// <summary>
/// A step between a source and the sinks: it drops rows from a batch (filter, dedupe) or adds lanes to it
/// (derived columns), and counts the rows it saw and dropped.
/// </summary>
internal abstract class IngestStage
{
    /// <summary>The stage's name in reports ("where", "derive", "dedupe").</summary>
    public abstract string Name { get; }

    /// <summary>Rows that reached this stage (kept by the stages before it).</summary>
    public long RowsIn { get; private set; }

    /// <summary>Rows this stage dropped.</summary>
    public long RowsDropped { get; protected set; }

    public IngestStageCounters Counters => new(Name, RowsIn, RowsIn - RowsDropped);

    public void Run(IngestBatch batch)
    {
        RowsIn += batch.KeptCount();
        Process(batch);
    }

    protected abstract void Process(IngestBatch batch);
}
