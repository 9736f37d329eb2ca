namespace Trawl.Store.Duplicates;

/// <summary>What two rows are compared by.</summary>
public enum DedupeMethod
{
    /// <summary>Their vectors (cosine or inner product) in a vector set.</summary>
    Vectors,
    /// <summary>MinHash signatures of a text column's word shingles (estimated Jaccard similarity).</summary>
    MinHash,
}
