namespace Trawl.Vectors.Indexes;

/// <summary>How a freshly opened index prepares its memory-mapped files (see docs/indexes.md, Cold start).</summary>
public enum WarmUpMode
{
    /// <summary>Nothing: pages are faulted in by the searches that first touch them.</summary>
    None,
    /// <summary>Read-ahead and huge-page hints for the index file and the vectors, then the graph's upper levels
    /// (and their rows) touched: a few milliseconds per million rows when the files are in the page cache.</summary>
    Advise,
    /// <summary>As <see cref="Advise"/>, then every page of the index file and the vectors mapped into the process.</summary>
    Populate,
}
