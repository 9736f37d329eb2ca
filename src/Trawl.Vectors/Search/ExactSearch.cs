using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Trawl.Vectors.Kernels;

namespace Trawl.Vectors.Search;

/// <summary>
/// Exact k-nearest-neighbour search by scanning every row. One query streams the set once,
/// split across threads, each keeping its own top-k heap; many queries run as a blocked matrix
/// product so each block of rows is read from memory once for all queries. The kernels are
/// chosen once, when the search is created.
/// </summary>
public sealed unsafe class ExactSearch
{
    /// <summary>Below this many bytes of vectors a single thread scans (thread start-up costs more).</summary>
    private const long ParallelMinBytes = 2L << 20;
    /// <summary>Rows are handed to single-query workers in chunks of about this many bytes.</summary>
    private const long ChunkBytes = 4L << 20;

    private readonly KernelSet _kernels;
    private readonly Lock _normsLock = new();
    private float[]? _inverseNorms;
    private float[]? _squaredNorms;

    private ExactSearch(VectorMatrix data, VectorMetric metric, KernelSet kernels, int threads, long batchSpanBytes)
    {
        Data = data;
        Metric = metric;
        _kernels = kernels;
        Threads = threads;
        _batchSpanBytes = batchSpanBytes;
    }

    private readonly long _batchSpanBytes;

    public VectorMatrix Data { get; }
    public VectorMetric Metric { get; }
    public int Threads { get; }
    /// <summary>The instruction-set level the kernels use.</summary>
    public SimdLevel Level => _kernels.Level;

    public static ExactSearch Create(VectorMatrix data, VectorMetric metric, ExactSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        bool bits = data.ElementType == VectorElementType.Bits;
        if (bits != (metric == VectorMetric.Hamming))
            throw new ArgumentException(bits ? "bit vectors are compared with the Hamming metric only" : $"the Hamming metric needs bit vectors, not {data.ElementType}", nameof(metric));
        if (metric is < VectorMetric.InnerProduct or > VectorMetric.Hamming) throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown metric");
        int threads = options?.Threads ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1, nameof(options));
        SimdLevel level = SimdLevels.Current;
        if (options?.MaxSimdLevel is { } max && max < level) level = max;
        long span = options?.BatchSpanBytes ?? BlockedBatchScan.SpanBytes;
        ArgumentOutOfRangeException.ThrowIfLessThan(span, 1, nameof(options));
        return new ExactSearch(data, metric, KernelSet.For(level), threads, span);
    }

    /// <summary>The k best rows for a float query (f32 and f16 sets).</summary>
    public SearchResult Search(ReadOnlySpan<float> query, int k, SearchOptions? options = null)
    {
        RequireElementType(VectorElementType.Float32, VectorElementType.Float16, "a float query");
        ValidateRequest(k, options);
        ValidateQuery(query, "query");
        if (Data.Rows == 0) return SearchResult.Empty;

        float[] q = PinnedCopy(query);
        float scale = PrepareFloatQuery(q, "query");
        float* qp = AddressOf(q);
        float* inverse = Metric == VectorMetric.Cosine ? AddressOf(InverseNorms()) : null;
        ulong[]? allow = options?.Filter?.Bits;
        TopKHeap heap;
        if (Data.ElementType == VectorElementType.Float32)
        {
            var scorer = new Float32Scorer(qp, Metric == VectorMetric.L2 ? _kernels.L2F32 : _kernels.DotF32, Data.Dimension, scale, inverse);
            heap = Scan(Candidates(k, options), (start, end, h) => ScanRange(scorer, start, end, h, allow));
        }
        else
        {
            delegate*<float*, ushort*, int, float> kernel = _kernels.L2F16;
            if (Metric != VectorMetric.L2)
            {
                kernel = _kernels.DotF16;
                if (CanPrescale(q))
                {
                    // The query absorbs the 2^112 rebias so the rows need no rescaling (same value, fewer instructions).
                    for (int i = 0; i < q.Length; i++) q[i] *= HalfBits.QueryScale;
                    kernel = _kernels.DotF16Prescaled;
                }
            }
            var scorer = new Float16Scorer(qp, kernel, Data.Dimension, scale, inverse);
            heap = Scan(Candidates(k, options), (start, end, h) => ScanRange(scorer, start, end, h, allow));
        }
        GC.KeepAlive(q);
        return Finish(heap, k, options);
    }

    /// <summary>The k best rows for an int8 query (int8 sets).</summary>
    public SearchResult Search(ReadOnlySpan<sbyte> query, int k, SearchOptions? options = null)
    {
        RequireElementType(VectorElementType.Int8, VectorElementType.Int8, "an int8 query");
        ValidateRequest(k, options);
        if (query.Length != Data.Dimension) throw new ArgumentException($"query has {query.Length} components, the vectors have {Data.Dimension}", nameof(query));
        if (Data.Rows == 0) return SearchResult.Empty;

        sbyte[] q = GC.AllocateUninitializedArray<sbyte>(query.Length, pinned: true);
        query.CopyTo(q);
        float scale = -1f;
        if (Metric == VectorMetric.L2) scale = 1f;
        else if (Metric == VectorMetric.Cosine)
        {
            long squared = 0;
            foreach (sbyte v in q) squared += v * v;
            if (squared == 0) throw new ArgumentException("cosine similarity needs a non-zero query", nameof(query));
            scale = -1f / MathF.Sqrt(squared);
        }
        var scorer = new Int8Scorer(AddressOf(q), Metric == VectorMetric.L2 ? _kernels.L2I8 : _kernels.DotI8, Data.Dimension, scale,
            Metric == VectorMetric.Cosine ? AddressOf(InverseNorms()) : null);
        ulong[]? allow = options?.Filter?.Bits;
        TopKHeap heap = Scan(Candidates(k, options), (start, end, h) => ScanRange(scorer, start, end, h, allow));
        GC.KeepAlive(q);
        return Finish(heap, k, options);
    }

    /// <summary>The k rows with the fewest differing bits (bit sets); the query has <c>ceil(bits / 64)</c> words.</summary>
    public SearchResult Search(ReadOnlySpan<ulong> query, int k, SearchOptions? options = null)
    {
        RequireElementType(VectorElementType.Bits, VectorElementType.Bits, "a bit query");
        ValidateRequest(k, options);
        int words = (int)(Data.RowBytes / 8);
        if (query.Length != words) throw new ArgumentException($"query has {query.Length} 64-bit words, the {Data.Dimension}-bit vectors have {words}", nameof(query));
        if (options?.DeduplicateAboveCosine is not null) throw new ArgumentException("deduplication by cosine needs float or int8 vectors", nameof(options));
        if (Data.Rows == 0) return SearchResult.Empty;

        ulong[] q = GC.AllocateUninitializedArray<ulong>(words, pinned: true);
        query.CopyTo(q);
        ulong[]? allow = options?.Filter?.Bits;
        TopKHeap heap;
        if (allow is null)
        {
            // Blocks of distances from the row kernel, then a threshold check per row.
            var scan = new HammingScan(Data, _kernels, AddressOf(q), 1, null);
            heap = Scan(k, (start, end, h) => scan.Run(start, end, [h]));
        }
        else
        {
            // A sparse allow-list costs its rows only: one kernel call per allowed row.
            var scorer = new BitsScorer(AddressOf(q), _kernels.Hamming, words);
            heap = Scan(k, (start, end, h) => ScanRange(scorer, start, end, h, allow));
        }
        GC.KeepAlive(q);
        return Finish(heap, k, options);
    }

    /// <summary>
    /// The k best rows for each of many float queries (row-major, <c>queries.Length / Dimension</c> of them),
    /// as a blocked matrix product over f32 or f16 rows.
    /// </summary>
    public SearchResult[] SearchBatch(ReadOnlySpan<float> queries, int k, SearchOptions? options = null)
    {
        RequireElementType(VectorElementType.Float32, VectorElementType.Float16, "float queries");
        ValidateRequest(k, options);
        int dim = Data.Dimension;
        if (queries.Length % dim != 0) throw new ArgumentException($"{queries.Length} values is not a whole number of {dim}-dimensional queries", nameof(queries));
        int count = queries.Length / dim;
        for (int i = 0; i < count; i++) ValidateQuery(queries.Slice(i * dim, dim), $"query {i}");
        var results = new SearchResult[count];
        if (count == 0) return results;
        if (Data.Rows == 0)
        {
            Array.Fill(results, SearchResult.Empty);
            return results;
        }

        int padded = (count + 3) & ~3;
        float[] q = GC.AllocateArray<float>(padded * dim, pinned: true);
        queries.CopyTo(q);
        var querySquares = new float[count];
        for (int i = 0; i < count; i++)
        {
            Span<float> one = q.AsSpan(i * dim, dim);
            PrepareFloatQuery(one, $"query {i}");
            float s = 0;
            foreach (float v in one) s += v * v;
            querySquares[i] = s;
        }
        float* inverse = Metric == VectorMetric.Cosine ? AddressOf(InverseNorms()) : null;
        float* squares = Metric == VectorMetric.L2 ? AddressOf(SquaredNorms()) : null;
        int candidates = Candidates(k, options);
        ulong[]? allow = options?.Filter?.Bits;
        var batch = new BlockedBatchScan(Data, Metric, _kernels, AddressOf(q), count, padded, querySquares, inverse, squares, allow, _batchSpanBytes);
        TopKHeap[] heaps = ScanBatch(candidates, count, (long)count * Data.Rows >= 1 << 22, batch.Run);
        for (int i = 0; i < count; i++) results[i] = Finish(heaps[i], k, options);
        GC.KeepAlive(q);
        GC.KeepAlive(_inverseNorms);
        GC.KeepAlive(_squaredNorms);
        return results;
    }

    /// <summary>Batch search for int8 queries: one scan per query.</summary>
    public SearchResult[] SearchBatch(ReadOnlySpan<sbyte> queries, int k, SearchOptions? options = null)
    {
        int dim = Data.Dimension;
        if (queries.Length % dim != 0) throw new ArgumentException($"{queries.Length} values is not a whole number of {dim}-dimensional queries", nameof(queries));
        var results = new SearchResult[queries.Length / dim];
        for (int i = 0; i < results.Length; i++) results[i] = Search(queries.Slice(i * dim, dim), k, options);
        return results;
    }

    /// <summary>
    /// Batch search for bit queries (each <c>ceil(bits / 64)</c> words): the rows are read once per batch, in
    /// cache-sized blocks that every group of four queries passes over.
    /// </summary>
    public SearchResult[] SearchBatch(ReadOnlySpan<ulong> queries, int k, SearchOptions? options = null)
    {
        RequireElementType(VectorElementType.Bits, VectorElementType.Bits, "bit queries");
        ValidateRequest(k, options);
        int words = (int)(Data.RowBytes / 8);
        if (queries.Length % words != 0) throw new ArgumentException($"{queries.Length} words is not a whole number of {words}-word queries", nameof(queries));
        if (options?.DeduplicateAboveCosine is not null) throw new ArgumentException("deduplication by cosine needs float or int8 vectors", nameof(options));
        int count = queries.Length / words;
        var results = new SearchResult[count];
        if (count == 0) return results;
        if (Data.Rows == 0)
        {
            Array.Fill(results, SearchResult.Empty);
            return results;
        }
        if (count == 1)
        {
            results[0] = Search(queries, k, options);
            return results;
        }
        ulong[] q = GC.AllocateUninitializedArray<ulong>(queries.Length, pinned: true);
        queries.CopyTo(q);
        var scan = new HammingScan(Data, _kernels, AddressOf(q), count, options?.Filter?.Bits);
        TopKHeap[] heaps = ScanBatch(k, count, (long)count * Data.Rows >= 1 << 22, scan.Run);
        for (int i = 0; i < count; i++) results[i] = Finish(heaps[i], k, options);
        GC.KeepAlive(q);
        return results;
    }

    private void RequireElementType(VectorElementType a, VectorElementType b, string what)
    {
        if (Data.ElementType != a && Data.ElementType != b)
            throw new ArgumentException($"{what} cannot search {Data.ElementType} vectors");
    }

    private void ValidateRequest(int k, SearchOptions? options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (options?.Filter is { } filter && filter.RowCount != Data.Rows)
            throw new ArgumentException($"the allow-list is for {filter.RowCount} rows, the vector set has {Data.Rows}", nameof(options));
        if (options?.DeduplicateAboveCosine is { } t && !(t is >= -1f and <= 1f))
            throw new ArgumentOutOfRangeException(nameof(options), t, "the deduplication cosine must be in -1..1");
        if (options is not null && options.DeduplicationCandidateFactor < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.DeduplicationCandidateFactor, "the deduplication candidate factor must be at least 1");
    }

    private void ValidateQuery(ReadOnlySpan<float> query, string name)
    {
        if (query.Length != Data.Dimension) throw new ArgumentException($"{name} has {query.Length} components, the vectors have {Data.Dimension}", nameof(query));
        for (int i = 0; i < query.Length; i++)
            if (!float.IsFinite(query[i])) throw new ArgumentException($"{name} component {i} is {query[i]}; components must be finite numbers", nameof(query));
    }

    /// <summary>Normalises a cosine query in place; returns the key scale (-1 for similarities, +1 for distances).</summary>
    private float PrepareFloatQuery(Span<float> q, string name)
    {
        if (Metric == VectorMetric.L2) return 1f;
        if (Metric == VectorMetric.Cosine)
        {
            double squared = 0;
            foreach (float v in q) squared += (double)v * v;
            if (squared == 0) throw new ArgumentException($"cosine similarity needs a non-zero {name}");
            float inverse = (float)(1 / Math.Sqrt(squared));
            for (int i = 0; i < q.Length; i++) q[i] *= inverse;
        }
        return -1f;
    }

    private static bool CanPrescale(ReadOnlySpan<float> query)
    {
        foreach (float v in query)
            if (!(Math.Abs(v) <= HalfBits.MaxPrescalableComponent)) return false;
        return true;
    }

    private static int Candidates(int k, SearchOptions? options)
        => options?.DeduplicateAboveCosine is null ? k : (int)Math.Min(int.MaxValue, (long)k * options.DeduplicationCandidateFactor);

    private static float[] PinnedCopy(ReadOnlySpan<float> values)
    {
        float[] copy = GC.AllocateUninitializedArray<float>(values.Length, pinned: true);
        values.CopyTo(copy);
        return copy;
    }

    /// <summary>Address of the first element of an array allocated on the pinned object heap.</summary>
    private static T* AddressOf<T>(T[] pinnedArray) where T : unmanaged
        => (T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinnedArray));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScanRange<TScorer>(TScorer scorer, long start, long end, TopKHeap heap, ulong[]? allow) where TScorer : struct, IRowScorer
    {
        // Only rows that could enter pay for the heap; the threshold is re-read after each entry.
        float threshold = heap.Threshold;
        long rowBytes = Data.RowBytes;
        byte* row = Data.RowPointer(start);
        if (allow is null)
        {
            for (long id = start; id < end; id++, row += rowBytes)
            {
                float key = scorer.Key(row, id);
                if (key <= threshold)
                {
                    heap.Push(key, id);
                    threshold = heap.Threshold;
                }
            }
            return;
        }
        // Set bits only, a word at a time: a sparse allow-list costs its rows, not the whole range.
        byte* first = row - start * rowBytes;
        for (long word = start >> 6; word << 6 < end; word++)
        {
            ulong bits = allow[word];
            long wordStart = word << 6;
            if (wordStart < start) bits &= ulong.MaxValue << (int)(start - wordStart);
            if (end - wordStart < 64) bits &= (1UL << (int)(end - wordStart)) - 1;
            while (bits != 0)
            {
                long id = wordStart + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                float key = scorer.Key(first + id * rowBytes, id);
                if (key <= threshold)
                {
                    heap.Push(key, id);
                    threshold = heap.Threshold;
                }
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="scanRange"/> over all rows. Large sets are cut into chunks of a few MB
    /// that the workers take in turn (so a worker the OS pauses does not hold up the rest), each
    /// worker with its own heap; the heaps are merged at the end.
    /// </summary>
    private TopKHeap Scan(int capacity, Action<long, long, TopKHeap> scanRange)
    {
        long rows = Data.Rows;
        var result = new TopKHeap((int)Math.Min(capacity, rows));
        int workers = Data.Rows * Data.RowBytes >= ParallelMinBytes ? (int)Math.Min(Threads, rows) : 1;
        if (workers == 1)
        {
            scanRange(0, rows, result);
            return result;
        }
        long chunkRows = Math.Max(256, ChunkBytes / Data.RowBytes);
        long chunks = (rows + chunkRows - 1) / chunkRows;
        long next = -1;
        var heaps = new TopKHeap[workers];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var heap = new TopKHeap(result.Capacity);
            for (long c = Interlocked.Increment(ref next); c < chunks; c = Interlocked.Increment(ref next))
                scanRange(c * chunkRows, Math.Min(rows, (c + 1) * chunkRows), heap);
            heaps[w] = heap;
        });
        foreach (TopKHeap heap in heaps) result.Merge(heap);
        return result;
    }

    /// <summary>Runs a many-query scan over all rows, split into chunks across the workers, each with its own heaps.</summary>
    private TopKHeap[] ScanBatch(int capacity, int count, bool worthThreads, Action<long, long, TopKHeap[]> run)
    {
        long rows = Data.Rows;
        int heapCapacity = (int)Math.Min(capacity, rows);
        int workers = Data.Rows * Data.RowBytes >= ParallelMinBytes || worthThreads ? (int)Math.Min(Threads, rows) : 1;
        var results = new TopKHeap[count];
        for (int q = 0; q < count; q++) results[q] = new TopKHeap(heapCapacity);
        if (workers == 1)
        {
            run(0, rows, results);
            return results;
        }
        // Chunks of rows sized so every worker gets several: the batch is compute-bound, chunks only balance the load.
        long chunkRows = Math.Max(64, rows / (workers * 8));
        long chunks = (rows + chunkRows - 1) / chunkRows;
        long next = -1;
        var workerHeaps = new TopKHeap[workers][];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var heaps = new TopKHeap[count];
            for (int q = 0; q < count; q++) heaps[q] = new TopKHeap(heapCapacity);
            for (long c = Interlocked.Increment(ref next); c < chunks; c = Interlocked.Increment(ref next))
                run(c * chunkRows, Math.Min(rows, (c + 1) * chunkRows), heaps);
            workerHeaps[w] = heaps;
        });
        foreach (TopKHeap[] heaps in workerHeaps)
            for (int q = 0; q < count; q++) results[q].Merge(heaps[q]);
        return results;
    }

    /// <summary>Keys back to scores, deduplication if asked, best first.</summary>
    private SearchResult Finish(TopKHeap heap, int k, SearchOptions? options)
    {
        int n = heap.Count;
        var keys = new float[n];
        var ids = new long[n];
        heap.DrainSorted(keys, ids);
        int dropped = 0;
        if (options?.DeduplicateAboveCosine is { } threshold) (keys, ids, dropped) = Deduplicate(keys, ids, k, threshold);
        bool similarity = Metric is VectorMetric.InnerProduct or VectorMetric.Cosine;
        var scores = new float[keys.Length];
        for (int i = 0; i < keys.Length; i++) scores[i] = similarity ? -keys[i] : keys[i];
        return new SearchResult(ids, scores, dropped);
    }

    /// <summary>Greedy, best first: a candidate too similar to an already kept one is dropped, until k are kept.</summary>
    private (float[] Keys, long[] Ids, int Dropped) Deduplicate(float[] keys, long[] ids, int k, float threshold)
    {
        int dim = Data.Dimension;
        int wanted = Math.Min(k, ids.Length);
        float[] kept = GC.AllocateUninitializedArray<float>(wanted * dim, pinned: true);
        float[] candidate = GC.AllocateUninitializedArray<float>(dim, pinned: true);
        float* keptPointer = AddressOf(kept), candidatePointer = AddressOf(candidate);
        var keptKeys = new List<float>(wanted);
        var keptIds = new List<long>(wanted);
        int dropped = 0;
        for (int i = 0; i < ids.Length && keptIds.Count < wanted; i++)
        {
            Data.CopyRowTo(ids[i], candidate);
            bool duplicate = false;
            for (int j = 0; j < keptIds.Count && !duplicate; j++)
                duplicate = _kernels.CosineF32(candidatePointer, keptPointer + (long)j * dim, dim) >= threshold;
            if (duplicate)
            {
                dropped++;
                continue;
            }
            candidate.CopyTo(kept.AsSpan(keptIds.Count * dim));
            keptKeys.Add(keys[i]);
            keptIds.Add(ids[i]);
        }
        GC.KeepAlive(kept);
        GC.KeepAlive(candidate);
        return (keptKeys.ToArray(), keptIds.ToArray(), dropped);
    }

    /// <summary>1 / |row| per row (0 for zero rows), computed once.</summary>
    private float[] InverseNorms()
    {
        lock (_normsLock)
        {
            if (_inverseNorms is null)
            {
                float[] norms = ComputeSquaredNorms();
                for (int i = 0; i < norms.Length; i++) norms[i] = norms[i] > 0 ? 1f / MathF.Sqrt(norms[i]) : 0f;
                _inverseNorms = norms;
            }
            return _inverseNorms;
        }
    }

    /// <summary>|row|² per row, computed once.</summary>
    private float[] SquaredNorms()
    {
        lock (_normsLock)
        {
            return _squaredNorms ??= ComputeSquaredNorms();
        }
    }

    private float[] ComputeSquaredNorms()
    {
        long rows = Data.Rows;
        float[] result = GC.AllocateUninitializedArray<float>((int)Math.Max(1, rows), pinned: true);
        float* output = AddressOf(result);
        int dim = Data.Dimension;
        const long chunk = 8192;
        long chunks = (rows + chunk - 1) / chunk;
        Parallel.For(0L, chunks, new ParallelOptions { MaxDegreeOfParallelism = Threads }, c =>
        {
            float[] scratch = GC.AllocateUninitializedArray<float>(dim, pinned: true);
            float* s = AddressOf(scratch);
            long end = Math.Min(rows, (c + 1) * chunk);
            for (long row = c * chunk; row < end; row++)
            {
                byte* p = Data.RowPointer(row);
                output[row] = Data.ElementType switch
                {
                    VectorElementType.Float32 => _kernels.DotF32((float*)p, (float*)p, dim),
                    VectorElementType.Float16 => WidenedSquare((ushort*)p, s, dim),
                    _ => _kernels.DotI8((sbyte*)p, (sbyte*)p, dim),
                };
            }
            GC.KeepAlive(scratch);
        });
        return result;
    }

    private float WidenedSquare(ushort* row, float* scratch, int dim)
    {
        _kernels.WidenF16(row, scratch, dim);
        return _kernels.DotF32(scratch, scratch, dim);
    }
}
