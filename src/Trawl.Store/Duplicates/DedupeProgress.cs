namespace Trawl.Store.Duplicates;

/// <summary>How a dedupe is going: a phase and rows done of rows to do.</summary>
public sealed record DedupeProgress(DedupePhase Phase, long Done, long Total);

public enum DedupePhase
{
    /// <summary>Checking vectors for NaN and computing norms, or hashing texts.</summary>
    Preparing,
    /// <summary>Finding pairs (rows searched so far, or bands for MinHash).</summary>
    Pairs,
    /// <summary>Measuring the candidate search's recall on a sample.</summary>
    Recall,
    /// <summary>Writing dup_cluster and dup_of.</summary>
    Writing,
}
