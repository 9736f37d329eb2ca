using System.Numerics;
using System.Text;
using Trawl.Formats.Tables;

namespace Trawl.Store.Columns;

/// <summary>
/// Ranks a search's matches by FTS5's own bm25 without asking FTS5 for it row by row: each row's token count
/// (<c>.doclen</c>), the rows where a term occurs more than once (<c>.termfreq</c>; every other match holds it
/// once) and the index's totals give the same score, computed in the same order of operations, so the top rows
/// are the ones <c>ORDER BY rank</c> returns (ties by rowid). Used for plain searches of single-token words.
/// </summary>
internal sealed class SearchRanking : IDisposable
{
    // FTS5's bm25 constants (fts5_aux.c).
    private const double K1 = 1.2;
    private const double B = 0.75;

    private readonly MappedColumnFile _lengths;
    private readonly TermFrequencyFile[] _frequencies;
    private readonly SearchRankingEntry _entry;
    private readonly long _rows;
    private int[]? _byLength;

    private SearchRanking(MappedColumnFile lengths, TermFrequencyFile[] frequencies, SearchRankingEntry entry, long rows)
    {
        _lengths = lengths;
        _frequencies = frequencies;
        _entry = entry;
        _rows = rows;
    }

    public string FtsTable => _entry.FtsTable;

    /// <summary>Opens the table's ranking files for its first <paramref name="rows"/> rows; damaged or short files
    /// are a <see cref="DataFormatException"/>.</summary>
    public static SearchRanking Open(string folder, string table, SearchRankingEntry entry, long rows)
    {
        var lengths = MappedColumnFile.Open(ColumnFiles.SearchFile(folder, table, ColumnFilePart.DocumentLengths), ColumnFilePart.DocumentLengths);
        var frequencies = new List<TermFrequencyFile>();
        try
        {
            if (lengths.Header.Rows < rows)
                throw new DataFormatException(lengths.Path, $"holds {lengths.Header.Rows} rows, the manifest {rows}");
            _ = lengths.Elements<uint>(0, rows);
            if (entry.Segments is < 1 or > SearchRankingBuilder.MaxSegments)
                throw new DataFormatException(ColumnFiles.Manifest(folder, table), $"{entry.Segments} term-frequency segments");
            // Each segment holds the rows after the one before it; together they cover exactly the manifest's rows.
            long first = 0;
            for (int s = 0; s < entry.Segments; s++)
            {
                var file = TermFrequencyFile.Open(ColumnFiles.TermFrequencySegment(folder, table, s), first);
                frequencies.Add(file);
                if (file.Rows <= first && s > 0 || file.Rows > rows)
                    throw new DataFormatException(file.Path, $"built for rows {first}..{file.Rows}, out of order for the manifest's {rows}");
                first = file.Rows;
            }
            if (first != rows)
                throw new DataFormatException(frequencies[^1].Path, $"built for {first} rows, the manifest says {rows}");
            return new SearchRanking(lengths, [.. frequencies], entry, rows);
        }
        catch
        {
            foreach (var f in frequencies)
                f.Dispose();
            lengths.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The <paramref name="k"/> best rows of <paramref name="matches"/> (rows that hold every term) for the query
    /// <paramref name="terms"/> (FTS5 tokens, in query order), best first, ties by rowid.
    /// </summary>
    /// <param name="documentFrequencies">Rows holding each term (FTS5's per-phrase hit count).</param>
    /// <param name="walk">How to find them (both give the same rows; tests compare them).</param>
    public long[] Top(RowBitmap matches, IReadOnlyList<string> terms, IReadOnlyList<long> documentFrequencies, int k, CancellationToken cancel = default,
        RankingWalk walk = RankingWalk.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (matches.Capacity != _rows)
            throw new ArgumentException("row set of another size");
        int n = terms.Count;
        var idf = new double[n];
        var docs = new long[n][];
        var counts = new uint[n][];
        var cursor = new int[n];
        double nRow = _entry.Documents;
        for (int i = 0; i < n; i++)
        {
            double hits = documentFrequencies[i];
            double v = Math.Log((nRow - hits + 0.5) / (hits + 0.5));
            idf[i] = v <= 0.0 ? 1e-6 : v;
            (docs[i], counts[i]) = RepeatedIn(Encoding.UTF8.GetBytes(terms[i]));
        }
        double avgdl = _entry.Tokens / nRow;
        var lengths = _lengths.Elements<uint>(0, _rows);
        // Many matches: walk the rows shortest first, which meets the best rows first and stops early.
        if (walk != RankingWalk.Scan && (walk == RankingWalk.ByLength || matches.Count() * LengthWalkDensity >= _rows) && ByLength() is { } byLength)
            return TopByLength(matches, idf, docs, counts, avgdl, k, lengths, byLength, cancel);
        var heap = new TopRows(k);
        // Most rows hold each term once: their score depends on the length alone, so it is computed once per length
        // (the same operations in the same order, so the same double) and most rows cost a lookup and a compare.
        var onceScores = new double[Math.Min(1 << 16, (int)Math.Min(int.MaxValue, _rows + 1))];
        Array.Fill(onceScores, double.NaN);
        ReadOnlySpan<ulong> words = matches.Words;
        for (int w = 0; w < words.Length; w++)
        {
            ulong bits = words[w];
            if (bits == 0)
                continue;
            if ((w & 0x3FFF) == 0)
                cancel.ThrowIfCancellationRequested();
            while (bits != 0)
            {
                long row = ((long)w << 6) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                uint length = lengths[(int)row];
                bool repeated = false;
                for (int i = 0; i < n; i++)
                {
                    var di = docs[i];
                    if (di.Length == 0)
                        continue;
                    int c = cursor[i];
                    while (c < di.Length && di[c] < row)
                        c++;
                    cursor[i] = c;
                    repeated |= c < di.Length && di[c] == row;
                }
                double score;
                if (!repeated && length < onceScores.Length)
                {
                    score = onceScores[length];
                    if (double.IsNaN(score))
                        score = onceScores[length] = Score(idf, docs, counts, cursor, row, length, avgdl);
                }
                else
                {
                    score = Score(idf, docs, counts, cursor, row, length, avgdl);
                }
                heap.Offer(score, row);
            }
        }
        return heap.Drain();
    }

    /// <summary>Matches at least 1 in this many rows take the walk by length.</summary>
    private const int LengthWalkDensity = 64;

    /// <summary>Lengths above this are not sorted by counting; a table with such rows is ranked by the scan.</summary>
    private const int MaxSortedLength = 1 << 20;

    /// <summary>
    /// The same top rows as the scan in <see cref="Top"/>, found shortest row first. A row where every term occurs
    /// once scores by its length alone, and the score falls as the length grows; so after scoring the (few) rows
    /// where some term repeats, the walk over rows in (length, row) order can stop at the first length whose score
    /// is below the k-th best kept, having looked at about k / density rows instead of every match.
    /// </summary>
    private long[] TopByLength(RowBitmap matches, double[] idf, long[][] docs, uint[][] counts, double avgdl, int k,
        ReadOnlySpan<uint> lengths, int[] byLength, CancellationToken cancel)
    {
        var heap = new TopRows(k);
        int n = idf.Length;
        var repeated = RowBitmap.Empty(_rows);
        for (int i = 0; i < n; i++)
        {
            foreach (long d in docs[i])
            {
                if (matches.Contains(d))
                    repeated.Add(d);
            }
        }
        var cursor = new int[n];
        foreach (long row in repeated.Positions())
        {
            for (int i = 0; i < n; i++)
            {
                int c = cursor[i];
                var di = docs[i];
                while (c < di.Length && di[c] < row)
                    c++;
                cursor[i] = c;
            }
            heap.Offer(Score(idf, docs, counts, cursor, row, lengths[(int)row], avgdl), row);
        }
        uint current = uint.MaxValue;
        double once = 0;
        for (int j = 0; j < byLength.Length; j++)
        {
            int row = byLength[j];
            uint length = lengths[row];
            if (length != current)
            {
                current = length;
                once = ScoreOnce(idf, length, avgdl);
                if (heap.Full && once < heap.WorstScore)
                    break;
            }
            if ((j & 0xFFFF) == 0)
                cancel.ThrowIfCancellationRequested();
            if (matches.Contains(row) && !repeated.Contains(row))
                heap.Offer(once, row);
        }
        return heap.Drain();
    }

    /// <summary>bm25 of a row holding every term once (<see cref="Score"/> with every f = 1: the same operations).</summary>
    private static double ScoreOnce(double[] idf, uint length, double avgdl)
    {
        double d = length;
        double score = 0.0;
        for (int i = 0; i < idf.Length; i++)
        {
            double f = 1.0;
            score += idf[i] * (f * (K1 + 1.0)) / (f + K1 * (1 - B + B * d / avgdl));
        }
        return score;
    }

    /// <summary>Row positions in (length, row) order, made once by a counting sort; null when the table is too large
    /// for int positions or has a row longer than <see cref="MaxSortedLength"/> tokens.</summary>
    private int[]? ByLength()
    {
        if (_byLength is { } done)
            return done.Length == 0 && _rows > 0 ? null : done;
        int[] order = [];
        if (_rows <= Array.MaxLength)
        {
            var lengths = _lengths.Elements<uint>(0, _rows);
            uint max = 0;
            foreach (uint l in lengths)
                max = Math.Max(max, l);
            if (max < MaxSortedLength)
            {
                var starts = new int[max + 2];
                foreach (uint l in lengths)
                    starts[l + 1]++;
                for (int i = 1; i < starts.Length; i++)
                    starts[i] += starts[i - 1];
                order = new int[_rows];
                for (int row = 0; row < lengths.Length; row++)
                    order[starts[lengths[row]]++] = row;
            }
        }
        Interlocked.CompareExchange(ref _byLength, order, null);
        return _byLength.Length == 0 && _rows > 0 ? null : _byLength;
    }

    /// <summary>bm25 of one row, as fts5Bm25Function computes it (same operations, same order, so the doubles are equal).</summary>
    private static double Score(double[] idf, long[][] docs, uint[][] counts, int[] cursor, long row, uint length, double avgdl)
    {
        double d = length;
        double score = 0.0;
        for (int i = 0; i < idf.Length; i++)
        {
            double f = 1.0;
            int c = cursor[i];
            if (c < docs[i].Length && docs[i][c] == row)
                f = counts[i][c];
            score += idf[i] * (f * (K1 + 1.0)) / (f + K1 * (1 - B + B * d / avgdl));
        }
        return score;
    }

    /// <summary>The rows where <paramref name="term"/> occurs more than once, ascending, with the counts: the
    /// segments' lists one after the other (each segment's rows come after the previous one's).</summary>
    private (long[] Docs, uint[] Counts) RepeatedIn(ReadOnlySpan<byte> term)
    {
        Span<int> found = stackalloc int[_frequencies.Length];
        int total = 0;
        for (int s = 0; s < _frequencies.Length; s++)
        {
            found[s] = _frequencies[s].Find(term);
            if (found[s] >= 0)
                total += _frequencies[s].Documents(found[s]).Length;
        }
        var docs = new long[total];
        var counts = new uint[total];
        int at = 0;
        for (int s = 0; s < _frequencies.Length; s++)
        {
            if (found[s] < 0)
                continue;
            var d = _frequencies[s].Documents(found[s]);
            d.CopyTo(docs.AsSpan(at));
            _frequencies[s].Counts(found[s]).CopyTo(counts.AsSpan(at));
            at += d.Length;
        }
        return (docs, counts);
    }

    public void Dispose()
    {
        foreach (var f in _frequencies)
            f.Dispose();
        _lengths.Dispose();
    }

    /// <summary>The k highest scores seen, ties going to the lower row (rows arrive in ascending order).</summary>
    private sealed class TopRows(int k)
    {
        private readonly (double Score, long Row)[] _heap = new (double, long)[k];
        private int _count;

        // The root is the worst kept: lowest score, and among equal scores the highest row.
        private static bool Worse((double Score, long Row) a, (double Score, long Row) b) =>
            a.Score < b.Score || (a.Score == b.Score && a.Row > b.Row);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Offer(double score, long row)
        {
            if (_count < _heap.Length)
            {
                _heap[_count] = (score, row);
                SiftUp(_count++);
                return;
            }
            if (!Worse(_heap[0], (score, row)))
                return; // not better, or equal with a higher row
            _heap[0] = (score, row);
            SiftDown(0);
        }

        public bool Full => _count == _heap.Length;

        /// <summary>The lowest score kept (only when <see cref="Full"/>).</summary>
        public double WorstScore => _heap[0].Score;

        public long[] Drain()
        {
            var items = _heap.AsSpan(0, _count).ToArray();
            Array.Sort(items, (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Row.CompareTo(b.Row));
            return items.Select(i => i.Row).ToArray();
        }

        private void SiftUp(int i)
        {
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (!Worse(_heap[i], _heap[parent]))
                    break;
                (_heap[i], _heap[parent]) = (_heap[parent], _heap[i]);
                i = parent;
            }
        }

        private void SiftDown(int i)
        {
            while (true)
            {
                int l = 2 * i + 1, r = l + 1, m = i;
                if (l < _count && Worse(_heap[l], _heap[m]))
                    m = l;
                if (r < _count && Worse(_heap[r], _heap[m]))
                    m = r;
                if (m == i)
                    return;
                (_heap[i], _heap[m]) = (_heap[m], _heap[i]);
                i = m;
            }
        }
    }
}
