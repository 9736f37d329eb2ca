using Trawl.Vectors.Duplicates;

namespace Trawl.Vectors.MinHash;

/// <summary>
/// Near-duplicate text pairs from MinHash signatures: one band at a time, every row's band hash is sorted
/// with its row number (12 bytes a row, so memory is bounded by one band), rows sharing a hash are
/// candidates, and a candidate pair counts when the signatures agree in at least <c>threshold</c> of their
/// places. Within a group each row is checked against the group's first rows only (at most 8, and at most
/// <c>maxPerRow</c>), skipping rows already joined to them by an earlier band, which keeps a bucket of thousands
/// of captions linear and still joins identical ones into one cluster.
/// </summary>
public static class MinHashJoin
{
    public static List<SimilarPair> Run(MinHashSignatureFile signatures, LshBanding banding, double threshold, int maxPerRow,
        Action<int>? bandDone = null, CancellationToken cancel = default) =>
        Run(signatures, banding, threshold, maxPerRow, 0, [], bandDone is null ? null : (band, _) => bandDone(band), cancel);

    /// <summary>
    /// Continues a join from <paramref name="firstBand"/> given the pairs the earlier bands found (<paramref name="earlier"/>, which
    /// rebuild which rows are already joined, so the result equals an uninterrupted run's); <paramref name="bandDone"/> gets each
    /// band's new pairs, to save them before the next band starts. Returns every pair, earlier ones included, sorted and unique.
    /// </summary>
    public static List<SimilarPair> Run(MinHashSignatureFile signatures, LshBanding banding, double threshold, int maxPerRow,
        int firstBand, IEnumerable<SimilarPair> earlier, Action<int, IReadOnlyList<SimilarPair>>? bandDone, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentOutOfRangeException.ThrowIfNegative(firstBand);
        ArgumentNullException.ThrowIfNull(signatures);
        if (banding.Bands * banding.Rows > signatures.Permutations)
            throw new ArgumentException($"{banding.Bands} bands × {banding.Rows} rows exceed {signatures.Permutations} permutations", nameof(banding));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerRow, 1);
        long n = signatures.Rows;
        if (n > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(signatures), "too many rows");
        var keys = new ulong[n];
        var rows = new int[n];
        var pairs = new List<SimilarPair>();
        var joined = new UnionFind((int)n);
        foreach (var p in earlier)
        {
            if (p.First < 0 || p.First >= n || p.Second < 0 || p.Second >= n)
                throw new ArgumentException($"an earlier pair ({p.First}, {p.Second}) lies outside the {n} rows", nameof(earlier));
            pairs.Add(p);
            joined.Union((int)p.First, (int)p.Second);
        }
        for (int band = firstBand; band < banding.Bands; band++)
        {
            int before = pairs.Count;
            cancel.ThrowIfCancellationRequested();
            int from = band * banding.Rows;
            for (int r = 0; r < n; r++)
            {
                var sig = signatures.Row(r).Slice(from, banding.Rows);
                ulong h = 0xCBF29CE484222325UL ^ (ulong)band;
                for (int i = 0; i < sig.Length; i++) h = (h ^ sig[i]) * 0x100000001B3UL;
                // An empty text's signature is all-max; keep those out of every bucket.
                keys[r] = sig[0] == uint.MaxValue && sig[^1] == uint.MaxValue ? ulong.MaxValue : h;
                rows[r] = r;
            }
            Array.Sort(keys, rows);
            int start = 0;
            while (start < n)
            {
                int end = start + 1;
                while (end < n && keys[end] == keys[start]) end++;
                if (end - start > 1 && keys[start] != ulong.MaxValue)
                    CheckGroup(signatures, rows.AsSpan(start, end - start), threshold, maxPerRow, pairs, joined);
                start = end;
            }
            bandDone?.Invoke(band, pairs.GetRange(before, pairs.Count - before));
        }
        Duplicates.IndexCandidateJoin.SortUnique(pairs);
        return pairs;
    }

    private const int MaxAnchors = 8;

    private static void CheckGroup(MinHashSignatureFile signatures, Span<int> group, double threshold, int maxPerRow, List<SimilarPair> pairs, UnionFind joined)
    {
        group.Sort();
        int anchors = Math.Min(group.Length - 1, Math.Min(maxPerRow, MaxAnchors));
        for (int a = 0; a < anchors; a++)
        {
            var sa = signatures.Row(group[a]);
            for (int b = a + 1; b < group.Length; b++)
            {
                // Rows beyond the first few anchors are only compared with the anchors; rows already in one cluster not at all.
                if (joined.Find(group[a]) == joined.Find(group[b])) continue;
                double s = MinHasher.Agreement(sa, signatures.Row(group[b]));
                if (s < threshold) continue;
                pairs.Add(new SimilarPair(group[a], group[b], (float)s));
                joined.Union(group[a], group[b]);
            }
        }
    }
}
