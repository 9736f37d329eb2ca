namespace Trawl.Store.Ingest;

/// <summary>What to do when the target table already exists.</summary>
public enum IngestMode
{
    /// <summary>Refuse if the table exists (the default).</summary>
    Create,
    /// <summary>Add rows; new columns in the source are added to the table.</summary>
    Append,
    /// <summary>Drop the table's rows and columns and load afresh.</summary>
    Replace,
}
