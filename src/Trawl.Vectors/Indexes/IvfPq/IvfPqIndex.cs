using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Trawl.Vectors.Indexes.Files;
using Trawl.Vectors.Search;

namespace Trawl.Vectors.Indexes.IvfPq;

/// <summary>
/// Inverted file with product-quantised residuals (FAISS's IndexIVFPQ): k-means splits the space
/// into nlist cells; each row is stored in its cell's list as m one-byte codes of its residual
/// (row − cell centroid). A query visits the nprobe nearest cells and scores their codes through
/// look-up tables; with <c>,Refine</c> the best candidates are re-ranked with exact distances
/// against the stored vectors. Lists are contiguous (ids in list order, codes in transposed
/// 64-row blocks per list, with offsets), so an opened file is used straight from the mapping.
/// Cosine rows are normalised before coding. Unfiltered batches pick every query's lists with one
/// blocked matrix product (<see cref="PrepareBlock"/>); filtered searches pick lists per query.
/// </summary>
internal sealed unsafe class IvfPqIndex : VectorIndexBase
{
    /// <summary>The training sample holds at most this many bytes of f32 rows (409,600 rows of 768 floats fit: IVF4096 at 100 rows per list, as FAISS is given).</summary>
    internal const long MaxTrainingBytes = 1536L << 20;
    /// <summary>The product quantiser is trained on at most this many residuals.</summary>
    private const int MaxPqTrainingRows = 65536;
    /// <summary>The product quantiser's k-means runs at least this many iterations (FAISS's default; 10 left recall 0.02 below FAISS's).</summary>
    private const int PqIterations = 25;

    private readonly IndexBuildOptions _options;
    private readonly IndexFileReader? _file;
    private readonly IndexDistance _distance;
    private readonly float[]? _inverseNormsArray;
    private readonly int _nlist, _m, _dsub;
    private readonly ConcurrentBag<SearchScratch> _scratch = [];
    private float[]? _centroidsArray;
    private float* _centroids;
    private ProductQuantizer? _pq;
    private float[]? _codebooksArray;
    // Row order while building; list order once lists are built.
    private int[] _rowLists = [];
    private byte[] _rowCodes = [];
    private long[]? _offsetsArray;
    private int[]? _idsArray;
    private byte[]? _codesArray;
    private long* _offsets;
    private int* _ids;
    private byte* _codes;
    /// <summary>First 64-row code block of each list (nlist + 1 entries): list l's codes start at block _blockStarts[l].</summary>
    private long[] _blockStarts = [];
    private int _count;

    /// <summary>Code layout written to PARM: codes in transposed blocks of 64 rows per list.</summary>
    private const long BlockedLayout = 1;

    public IvfPqIndex(VectorMatrix data, VectorMetric metric, IndexSpec spec, IndexBuildOptions options) : base(data, metric, spec)
    {
        IndexDistance.Require(data, metric);
        if (data.Dimension % spec.SubQuantizers != 0)
            throw new ArgumentException($"'{spec}': PQ{spec.SubQuantizers} needs a dimension divisible by {spec.SubQuantizers}; the vectors have {data.Dimension}", nameof(spec));
        _options = options;
        _nlist = spec.NList;
        _m = spec.SubQuantizers;
        _dsub = data.Dimension / _m;
        NProbe = options.NProbe;
        RefineFactor = options.RefineFactor;
        float* inverse = null;
        if (metric == VectorMetric.Cosine)
        {
            _inverseNormsArray = IndexDistance.InverseNorms(data, data.Rows, options.ThreadCount);
            inverse = IndexDistance.Pin(_inverseNormsArray);
        }
        _distance = new IndexDistance(data, metric, inverse);
    }

    private IvfPqIndex(VectorMatrix data, VectorMetric metric, IndexSpec spec, IndexFileReader file) : base(data, metric, spec)
    {
        _file = file;
        _options = new IndexBuildOptions();
        _nlist = spec.NList;
        _m = spec.SubQuantizers;
        if (data.Dimension % _m != 0) throw file.Corrupt($"PQ{_m} does not divide the dimension {data.Dimension}");
        _dsub = data.Dimension / _m;
        if (file.HasSection("PARM") && file.SectionRange("PARM").Length == 4 * 8)
            throw file.Corrupt("the IVF-PQ file was written by an older Trawl (codes row by row, not in blocks of 64); rebuild the index");
        long[] p = file.Longs("PARM", 5);
        if (p[4] != BlockedLayout) throw file.Corrupt($"unknown IVF-PQ code layout {p[4]}");
        if (p[0] != _nlist || p[1] != _m) throw file.Corrupt($"the lists say IVF{p[0]},PQ{p[1]}, the factory string says {spec}");
        if (p[2] is < 1 or > int.MaxValue || p[3] is < 1 or > int.MaxValue) throw file.Corrupt("default nprobe or refine factor out of range");
        NProbe = (int)p[2];
        RefineFactor = (int)p[3];
        _count = (int)file.Header.Count;
        int dim = data.Dimension;
        _centroids = (float*)file.Section("CENT", (long)_nlist * dim * 4);
        _codebooksArray = new ReadOnlySpan<float>(file.Section("PQCB", (long)dim * ProductQuantizer.Centroids * 4), dim * ProductQuantizer.Centroids).ToArray();
        _pq = new ProductQuantizer(dim, _m, _codebooksArray);
        _offsets = (long*)file.Section("LOFF", (_nlist + 1L) * 8);
        _ids = (int*)file.Section("LIDS", _count * 4L);
        if (_offsets[0] != 0 || _offsets[_nlist] != _count) throw file.Corrupt($"list offsets run from {_offsets[0]} to {_offsets[_nlist]}, not 0 to {_count}");
        for (int l = 0; l < _nlist; l++)
            if (_offsets[l + 1] < _offsets[l]) throw file.Corrupt($"list {l} has a negative length");
        _blockStarts = BlockStarts(_offsets, _nlist);
        _codes = file.Section("CODE", CodeBytes);
        float* inverse = null;
        if (metric == VectorMetric.Cosine) inverse = (float*)file.Section("INRM", data.Rows * 4);
        _distance = new IndexDistance(data, metric, inverse);
    }

    public int NProbe { get; }
    public int RefineFactor { get; }
    public override long Count => _count;
    public override bool IsTrained => _pq is not null;

    /// <summary>Length of inverted list <paramref name="list"/> (for tests and statistics).</summary>
    internal long ListLength(int list) => _offsets[list + 1] - _offsets[list];

    public override void Train()
    {
        if (_file is not null) throw new InvalidOperationException("an IVF-PQ index opened from a file is already trained");
        if (_count > 0) throw new InvalidOperationException($"the index already holds {_count} rows coded with the current training; create a new index to retrain");
        long rows = Data.Rows;
        long maxRows = Math.Max(_nlist, MaxTrainingBytes / (4L * Dimension));
        int wanted = (int)Math.Min(rows, Math.Min(maxRows, Math.Max((long)_nlist * _options.TrainingRowsPerCentroid, 256L * 40)));
        if (wanted < _nlist)
            throw new ArgumentException($"'{Spec}': {_nlist} lists need at least {_nlist} training rows, the vector set has {rows}");
        var random = new Random(_options.Seed);
        int[] sample = rows <= int.MaxValue ? KMeans.Permutation((int)rows, random)[..wanted] : throw new InvalidOperationException();
        Array.Sort(sample);
        int dim = Dimension;
        var points = new float[(long)wanted * dim];
        for (int i = 0; i < wanted; i++) LoadRow(sample[i], points.AsSpan((int)((long)i * dim), dim));

        int threads = _options.ThreadCount;
        float[] centroids = KMeans.Train(points, wanted, dim, _nlist, _options.KMeansIterations, _options.Seed,
            (c, assignment) => AssignNearest(c, points, wanted, assignment, threads), spherical: Metric != VectorMetric.L2);
        var assignment = new int[wanted];
        AssignNearest(centroids, points, wanted, assignment, threads);
        int pqRows = Math.Min(wanted, MaxPqTrainingRows);
        var residuals = new float[(long)pqRows * dim];
        for (int i = 0; i < pqRows; i++)
            for (int d = 0; d < dim; d++) residuals[(long)i * dim + d] = points[(long)i * dim + d] - centroids[(long)assignment[i] * dim + d];
        _pq = ProductQuantizer.Train(residuals, pqRows, dim, _m, Math.Max(_options.KMeansIterations, PqIterations), _options.Seed, threads);
        _codebooksArray = _pq.Codebooks;
        _centroidsArray = GC.AllocateUninitializedArray<float>(centroids.Length, pinned: true);
        centroids.CopyTo(_centroidsArray, 0);
        _centroids = IndexDistance.Pin(_centroidsArray);
    }

    /// <summary>A row as f32, normalised for cosine.</summary>
    private void LoadRow(long row, Span<float> destination)
    {
        Data.CopyRowTo(row, destination);
        if (Metric != VectorMetric.Cosine) return;
        float squares = 0;
        foreach (float v in destination) squares += v * v;
        if (squares == 0) return;
        float scale = 1f / MathF.Sqrt(squares);
        for (int i = 0; i < destination.Length; i++) destination[i] *= scale;
    }

    /// <summary>Nearest centroid (L2) of each point, with the blocked exact-search kernels.</summary>
    private void AssignNearest(float[] centroids, float[] points, int n, int[] assignment, int threads) =>
        AssignNearest(CentroidSearch(centroids, threads), points, n, assignment);

    private ExactSearch CentroidSearch(float[] centroids, int threads) =>
        ExactSearch.Create(VectorMatrix.FromFloat32(centroids, Dimension), VectorMetric.L2, new ExactSearchOptions { Threads = threads });

    private void AssignNearest(ExactSearch search, float[] points, int n, int[] assignment)
    {
        const int chunk = 4096;
        for (int start = 0; start < n; start += chunk)
        {
            int count = Math.Min(chunk, n - start);
            SearchResult[] results = search.SearchBatch(points.AsSpan((int)((long)start * Dimension), count * Dimension), 1);
            for (int i = 0; i < count; i++) assignment[start + i] = (int)results[i].Ids[0];
        }
    }

    public override void Add(long rows)
    {
        if (_file is not null) throw new InvalidOperationException("an IVF-PQ index opened from a file is read-only; rebuild it to add rows");
        if (_pq is null) throw new InvalidOperationException("train the IVF-PQ index before adding rows");
        RequireAddable(rows);
        if (rows == 0) return;
        int start = _count, end = checked((int)(_count + rows));
        int dim = Dimension;
        Array.Resize(ref _rowLists, end);
        Array.Resize(ref _rowCodes, checked(end * _m));
        float[] centroids = _centroidsArray!;
        int threads = _options.ThreadCount;
        ExactSearch centroidSearch = CentroidSearch(centroids, threads);
        const int chunk = 4096;
        for (int first = start; first < end; first += chunk)
        {
            int count = Math.Min(chunk, end - first);
            var points = new float[count * dim];
            for (int i = 0; i < count; i++) LoadRow(first + i, points.AsSpan(i * dim, dim));
            var assignment = new int[count];
            AssignNearest(centroidSearch, points, count, assignment);
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new float[dim + ProductQuantizer.Centroids], (i, _, scratch) =>
            {
                int list = assignment[i];
                for (int d = 0; d < dim; d++) scratch[d] = points[i * dim + d] - centroids[(long)list * dim + d];
                fixed (float* s = scratch)
                fixed (byte* code = &_rowCodes[(long)(first + i) * _m])
                    _pq.Encode(s, code, s + dim);
                _rowLists[first + i] = list;
                return scratch;
            }, _ => { });
        }
        _count = end;
        BuildLists();
    }

    /// <summary>Counting sort of rows into contiguous lists (row order within each list).</summary>
    private void BuildLists()
    {
        long[] offsets = GC.AllocateArray<long>(_nlist + 1, pinned: true);
        for (int i = 0; i < _count; i++) offsets[_rowLists[i] + 1]++;
        for (int l = 0; l < _nlist; l++) offsets[l + 1] += offsets[l];
        int[] ids = GC.AllocateUninitializedArray<int>(Math.Max(1, _count), pinned: true);
        long* o = (long*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(offsets));
        _blockStarts = BlockStarts(o, _nlist);
        // Padding rows of a list's last block stay zero (never read: the scan stops at the list's length).
        byte[] codes = GC.AllocateArray<byte>(checked((int)Math.Max(1, CodeBytes)), pinned: true);
        var next = new long[_nlist];
        Array.Copy(offsets, next, _nlist);
        int m = _m;
        for (int i = 0; i < _count; i++)
        {
            int list = _rowLists[i];
            long at = next[list]++;
            ids[at] = i;
            long within = at - offsets[list];
            long block = (_blockStarts[list] + within / PqFastScan.Block) * PqFastScan.Block * m;
            int r = (int)(within % PqFastScan.Block);
            for (int j = 0; j < m; j++) codes[block + j * PqFastScan.Block + r] = _rowCodes[(long)i * m + j];
        }
        (_offsetsArray, _idsArray, _codesArray) = (offsets, ids, codes);
        _offsets = (long*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(offsets));
        _ids = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(ids));
        _codes = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(codes));
    }

    /// <summary>Bytes of the blocked codes of all lists.</summary>
    private long CodeBytes => _blockStarts[_nlist] * PqFastScan.Block * _m;

    private static long[] BlockStarts(long* offsets, int nlist)
    {
        var starts = new long[nlist + 1];
        for (int l = 0; l < nlist; l++) starts[l + 1] = starts[l] + (offsets[l + 1] - offsets[l] + PqFastScan.Block - 1) / PqFastScan.Block;
        return starts;
    }

    /// <summary>Estimate blocks with the byte-table VBMI kernel (false: score every row with the float table; tests compare the two).</summary>
    internal bool FastScan { get; set; } = PqFastScan.IsSupported;

    protected override void PrepareQuery(ReadOnlySpan<float> query, Span<float> destination, int index) => _distance.PrepareQuery(query, destination, index);

    /// <summary>
    /// Blocks of queries without a filter over a fully indexed set: the nearest lists of every query
    /// in the block come from one blocked matrix product over the centroids (FAISS does the same
    /// with BLAS); each query then scans its lists on the worker threads. Filters, and indexes
    /// covering part of their set, pick lists per query.
    /// </summary>
    protected override object? PrepareBlock(ReadOnlySpan<float> prepared, int count, IndexSearchOptions options, ulong[]? allow, int threads)
    {
        if (allow is not null || _count == 0 || _count != Data.Rows) return null;
        int nprobe = Math.Min(_nlist, options.NProbe ?? NProbe);
        ExactSearch coarse = ExactSearch.Create(VectorMatrix.FromAddress((nint)_centroids, _nlist, Dimension, VectorElementType.Float32, this),
            Metric == VectorMetric.L2 ? VectorMetric.L2 : VectorMetric.InnerProduct, new ExactSearchOptions { Threads = threads });
        return coarse.SearchBatch(prepared, nprobe);
    }

    protected override int SearchOne(ReadOnlySpan<float> query, int k, IndexSearchOptions options, ulong[]? allow, object block, int indexInBlock, Span<long> ids, Span<float> scores)
    {
        SearchResult lists = ((SearchResult[])block)[indexInBlock];
        fixed (float* q = query)
            return SearchLists(q, k, options.RefineFactor ?? RefineFactor, lists.Ids, lists.Scores, allow, ids, scores);
    }

    protected override int SearchOne(ReadOnlySpan<float> query, int k, IndexSearchOptions options, ulong[]? allow, Span<long> ids, Span<float> scores)
    {
        if (_count == 0) return 0;
        int dim = Dimension;
        int nprobe = Math.Min(_nlist, options.NProbe ?? NProbe);
        SearchScratch scratch = RentScratch();
        try
        {
            fixed (float* q = query)
            {
                bool l2 = Metric == VectorMetric.L2;
                var kernels = _distance.Kernels;
                TopKHeap probe = scratch.Heap(ref scratch.Probe, nprobe);
                for (int l = 0; l < _nlist; l++)
                {
                    float* c = _centroids + (long)l * dim;
                    probe.Push(l2 ? kernels.L2F32(q, c, dim) : -kernels.DotF32(q, c, dim), l);
                }
                int probed = probe.DrainSorted(scratch.ListKeys, scratch.ListIds);
                // The batch path hands over similarity scores for inner product; match it.
                if (!l2) for (int p = 0; p < probed; p++) scratch.ListKeys[p] = -scratch.ListKeys[p];
                return SearchLists(q, k, options.RefineFactor ?? RefineFactor, scratch.ListIds.AsSpan(0, probed), scratch.ListKeys.AsSpan(0, probed), allow, ids, scores, scratch);
            }
        }
        finally
        {
            _scratch.Add(scratch);
        }
    }

    private SearchScratch RentScratch() => _scratch.TryTake(out SearchScratch? s) ? s : new SearchScratch(_m * ProductQuantizer.Centroids, Dimension, _nlist);

    private int SearchLists(float* q, int k, int refineFactor, ReadOnlySpan<long> lists, ReadOnlySpan<float> coarseScores, ulong[]? allow, Span<long> ids, Span<float> scores)
    {
        SearchScratch scratch = RentScratch();
        try
        {
            return SearchLists(q, k, refineFactor, lists, coarseScores, allow, ids, scores, scratch);
        }
        finally
        {
            _scratch.Add(scratch);
        }
    }

    /// <summary>
    /// Scores the codes of the given lists (nearest first; <paramref name="coarseScores"/> are the
    /// query·centroid products for inner product and cosine, unused for L2) and writes the k best.
    /// </summary>
    // Optimised from the first call: a batch is over before tiered compilation would promote it (seen as a slow first nprobe in the bench).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int SearchLists(float* q, int k, int refineFactor, ReadOnlySpan<long> lists, ReadOnlySpan<float> coarseScores, ulong[]? allow,
        Span<long> ids, Span<float> scores, SearchScratch scratch)
    {
        int dim = Dimension;
        bool refine = Spec.Refine;
        int candidates = refine ? (int)Math.Min((long)k * refineFactor, _count) : k;
        int tableSize = _m * ProductQuantizer.Centroids;
        fixed (float* books = _codebooksArray)
        {
            float* table = IndexDistance.Pin(scratch.Table);
            float* residual = IndexDistance.Pin(scratch.Residual);
            bool l2 = Metric == VectorMetric.L2;
            bool fast = FastScan && PqFastScan.IsSupported;
            byte* bytes = fast ? SearchScratch.Address(scratch.QuantizedTable) : null;
            ushort* sums = SearchScratch.Address(scratch.Sums);
            var quantized = new QuantizedTable();
            if (!l2)
            {
                // Keys are smaller-is-better: -q·c per list plus -q·code per sub-space.
                _pq!.DotTable(q, table, books);
                PqScan.Negate(table, tableSize);
                if (fast) quantized = QuantizedTable.Of(table, _m, bytes);
            }
            TopKHeap heap = scratch.Heap(ref scratch.Candidates, candidates);
            for (int p = 0; p < lists.Length; p++)
            {
                int list = (int)lists[p];
                if ((uint)list >= (uint)_nlist) throw new InvalidOperationException($"list {list} is outside 0..{_nlist - 1}");
                float bias = 0;
                if (l2)
                {
                    float* c = _centroids + (long)list * dim;
                    for (int d = 0; d < dim; d++) residual[d] = q[d] - c[d];
                    _pq!.L2Table(residual, table, books);
                    if (fast) quantized = QuantizedTable.Of(table, _m, bytes);
                }
                else bias = -coarseScores[p];
                ScanList(list, table, quantized, bias, allow, heap, sums);
            }
            int found = heap.Count;
            float[] keys = scratch.Keys(candidates);
            long[] foundIds = scratch.Ids(candidates);
            heap.DrainSorted(keys, foundIds);
            if (refine)
            {
                TopKHeap exact = scratch.Heap(ref scratch.Exact, k);
                for (int i = 0; i < found; i++) exact.Push(_distance.Key(q, 1f, (int)foundIds[i]), foundIds[i]);
                found = exact.DrainSorted(keys, foundIds);
            }
            int n = Math.Min(k, found);
            for (int i = 0; i < n; i++)
            {
                ids[i] = foundIds[i];
                scores[i] = _distance.Score(keys[i]);
            }
            return n;
        }
    }

    /// <summary>
    /// Scores list <paramref name="list"/>'s rows into the heap, block by block. With the fast scan,
    /// a block's rows are first estimated from the byte table and only those that can beat the
    /// heap's threshold are scored with the float table (see <see cref="PqFastScan"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScanList(int list, float* table, in QuantizedTable quantized, float bias, ulong[]? allow, TopKHeap heap, ushort* sums)
    {
        long start = _offsets[list], end = _offsets[list + 1];
        int m = _m;
        byte* block = _codes + _blockStarts[list] * PqFastScan.Block * m;
        float threshold = heap.Threshold;
        bool fast = quantized.Bytes != null;
        int limit = fast ? quantized.Limit(threshold, bias, m) : int.MaxValue;
        for (long first = start; first < end; first += PqFastScan.Block, block += PqFastScan.Block * m)
        {
            int rows = (int)Math.Min(PqFastScan.Block, end - first);
            if (fast)
            {
                if (limit < 0) return;
                PqFastScan.Estimate(block, quantized.Bytes, m, sums);
            }
            for (int r = 0; r < rows; r++)
            {
                if (fast && sums[r] > limit) continue;
                int id = _ids[first + r];
                if ((uint)id >= (uint)_count) throw (Exception?)_file?.Corrupt($"list {list} holds row id {id}, outside 0..{_count - 1}") ?? new InvalidOperationException("corrupt list");
                if (allow is not null && (allow[id >> 6] & (1UL << (id & 63))) == 0) continue;
                float key = bias + PqFastScan.Sum(block, r, table, m);
                if (key <= threshold)
                {
                    heap.Push(key, id);
                    float now = heap.Threshold;
                    if (now != threshold && fast) limit = quantized.Limit(now, bias, m);
                    threshold = now;
                }
            }
        }
    }

    public override void Save(string path)
    {
        if (_pq is null) throw new InvalidOperationException("train the IVF-PQ index before saving it");
        if (_offsets == null) BuildLists();
        var writer = new IndexFileWriter();
        long[] parameters = [_nlist, _m, NProbe, RefineFactor, BlockedLayout];
        writer.Add("PARM", parameters, parameters.Length);
        writer.Add("CENT", (byte*)_centroids, (long)_nlist * Dimension * 4);
        writer.Add("PQCB", _codebooksArray!, _codebooksArray!.Length);
        writer.Add("LOFF", (byte*)_offsets, (_nlist + 1L) * 8);
        writer.Add("LIDS", (byte*)_ids, _count * 4L);
        writer.Add("CODE", _codes, CodeBytes);
        if (Metric == VectorMetric.Cosine)
        {
            float* inverse = _inverseNormsArray is not null ? IndexDistance.Pin(_inverseNormsArray) : (float*)_file!.Section("INRM", Data.Rows * 4);
            writer.Add("INRM", (byte*)inverse, Data.Rows * 4);
        }
        writer.Write(path, new IndexFileHeader("IVPQ", Metric, Data.ElementType, Dimension, 0, _count, Data.Rows, _file?.Header.VectorSetChecksum ?? _options.VectorSetChecksum, 0), Factory);
        GC.KeepAlive(this);
    }

    protected override (nint Address, long Length)? FileMapping => _file?.Mapping;

    protected override IndexSearchOptions Widen(IndexSearchOptions options, double density) =>
        density >= 1 ? options : options.With(options.Ef, Math.Min(_nlist, (int)Math.Ceiling((options.NProbe ?? NProbe) * Widening(density))));

    protected override int? WalkNProbe(IndexSearchOptions options) => Math.Min(_nlist, options.NProbe ?? NProbe);

    /// <summary>The scanned lists' codes (m table look-ups a row, counted as m / dimension of a full distance) plus the exact re-rank.</summary>
    protected override double WalkCost(int k, IndexSearchOptions options, double density) =>
        Math.Min(_nlist, options.NProbe ?? NProbe) * ((double)_count / _nlist) * _m / Dimension
        + (Spec.Refine ? (double)k * (options.RefineFactor ?? RefineFactor) : 0);

    internal static IvfPqIndex Open(VectorMatrix data, IndexSpec spec, IndexFileReader file) => new(data, file.Header.Metric, spec, file);

    public override void Dispose()
    {
        _file?.Dispose();
    }
}
