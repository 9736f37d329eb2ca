namespace Trawl.Vectors.Search;

/// <summary>
/// Nearest rows, best first: ids and scores of equal length. Scores are the metric's value:
/// dot product, cosine similarity, squared L2 distance or differing bits. Equal scores rank by smaller id.
/// </summary>
public sealed class SearchResult
{
    public SearchResult(long[] ids, float[] scores, int duplicatesDropped = 0)
    {
        if (ids.Length != scores.Length) throw new ArgumentException("ids and scores differ in length");
        Ids = ids;
        Scores = scores;
        DuplicatesDropped = duplicatesDropped;
    }

    public long[] Ids { get; }
    public float[] Scores { get; }
    public int Count => Ids.Length;
    /// <summary>How many candidates deduplication dropped (0 without deduplication).</summary>
    public int DuplicatesDropped { get; }

    public static SearchResult Empty { get; } = new([], []);
}
