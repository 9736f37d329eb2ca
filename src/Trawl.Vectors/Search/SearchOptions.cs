namespace Trawl.Vectors.Search;

/// <summary>Per-search options.</summary>
public sealed class SearchOptions
{
    /// <summary>Only rows this allow-list holds are returned; null searches every row.</summary>
    public RowFilter? Filter { get; init; }

    /// <summary>
    /// When set, a result whose vector has at least this cosine similarity with a better-ranked
    /// kept result is dropped (as clip-retrieval does; 0.94 is its default). Null keeps everything.
    /// </summary>
    public float? DeduplicateAboveCosine { get; init; }

    /// <summary>With deduplication, how many candidates per wanted result are searched before deduplicating.</summary>
    public int DeduplicationCandidateFactor { get; init; } = 3;

    /// <summary>The clip-retrieval deduplication threshold.</summary>
    public const float DefaultDeduplicationCosine = 0.94f;
}
