using Trawl.Vectors.Indexes;

namespace Trawl.Vectors.Duplicates;

/// <summary>
/// Near-duplicate pairs through an ANN index: every row asks the index for its <c>candidates</c> nearest
/// rows, and each candidate is re-checked with the exact similarity before it counts, so no pair below the
/// threshold is reported (precision is exact; recall is what the index finds, measured by the caller).
/// </summary>
public sealed class IndexCandidateJoin
{
    private const int Batch = 1024;

    private readonly IVectorIndex _index;
    private readonly ExactSimilarityJoin _exact;
    private readonly int _candidates;
    private readonly float _threshold;
    private readonly IndexSearchOptions? _options;

    public IndexCandidateJoin(IVectorIndex index, ExactSimilarityJoin exact, float threshold, int candidates, IndexSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(exact);
        ArgumentOutOfRangeException.ThrowIfLessThan(candidates, 1);
        _index = index;
        _exact = exact;
        _threshold = threshold;
        _candidates = candidates;
        _options = options;
    }

    /// <summary>
    /// Pairs found from query rows <paramref name="start"/>..<paramref name="end"/>-1, each as (smaller, larger) row;
    /// a pair found from both of its rows is listed once. At most <paramref name="maxPerRow"/> pairs per query row.
    /// </summary>
    public List<SimilarPair> Run(long start, long end, int maxPerRow, CancellationToken cancel = default)
    {
        int dim = _index.Dimension;
        int k = _candidates + 1; // the row itself usually comes back first
        var found = new List<SimilarPair>();
        var queries = new float[Batch * dim];
        var ids = new long[Batch * k];
        var scores = new float[Batch * k];
        for (long bs = start; bs < end; bs += Batch)
        {
            cancel.ThrowIfCancellationRequested();
            int n = (int)Math.Min(Batch, end - bs);
            for (int i = 0; i < n; i++) _exact.RowAsFloat(bs + i, queries.AsSpan(i * dim, dim));
            _index.Search(queries.AsSpan(0, n * dim), k, ids.AsSpan(0, n * k), scores.AsSpan(0, n * k), _options);
            for (int i = 0; i < n; i++)
            {
                long row = bs + i;
                int kept = 0;
                var q = queries.AsSpan(i * dim, dim);
                for (int c = 0; c < k && kept < maxPerRow; c++)
                {
                    long other = ids[i * k + c];
                    if (other < 0 || other == row) continue;
                    // The pair (other, row) with other in this range was already checked from other's side
                    // when row is among other's candidates; it is dropped when the pairs are merged.
                    float s = _exact.Similarity(q, row, other);
                    if (!(s >= _threshold)) continue;
                    kept++;
                    found.Add(other < row ? new SimilarPair(other, row, s) : new SimilarPair(row, other, s));
                }
            }
        }
        return found;
    }

    /// <summary>Sorts pairs by (first, second) and drops repeats.</summary>
    public static void SortUnique(List<SimilarPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        pairs.Sort(static (a, b) => a.First != b.First ? a.First.CompareTo(b.First) : a.Second.CompareTo(b.Second));
        int w = 0;
        for (int r = 0; r < pairs.Count; r++)
            if (w == 0 || pairs[r].First != pairs[w - 1].First || pairs[r].Second != pairs[w - 1].Second)
                pairs[w++] = pairs[r];
        pairs.RemoveRange(w, pairs.Count - w);
    }
}
