using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Trawl.Vectors.Indexes.Files;
using Trawl.Vectors.Kernels;

namespace Trawl.Vectors.Indexes.Hnsw;

/// <summary>
/// Hierarchical navigable small world graph (Malkov and Yashunin; the layout follows hnswlib).
/// Level-0 links of all nodes sit in one int array with a fixed stride of 2M+1 (a count, then up
/// to 2M ids); upper-level links (M per level) in a second array addressed by a per-node offset.
/// The vectors are not copied: distances read the vector set's rows through the kernels.
/// <para>
/// Build is batch-synchronous so that the graph depends only on the seed, never on the thread
/// count or timing: nodes are inserted in row order in batches (1 node at first, then 2% of the
/// graph, at most 4096); every node of a batch searches the graph as it was before the batch (in
/// parallel, read-only), then each node's own lists are written and the reverse links are applied
/// grouped by target node, each group in id order (in parallel over targets). No locks are needed.
/// </para>
/// </summary>
internal sealed unsafe class HnswIndex : VectorIndexBase
{
    private const int MaxLevel = 31;
    private const int WholeRowPrefetchBytes = 2048;
    private const int MaxBatch = 4096;
    private const int BatchDivisor = 50;

    private readonly IndexBuildOptions _options;
    private readonly Random _levelRandom;
    private readonly ConcurrentBag<HnswScratch> _pool = [];
    private readonly IndexFileReader? _file;
    private readonly int _m, _m0, _stride0, _strideUpper;
    private readonly IndexDistance _distance;
    private float[]? _inverseNormsArray;
    private readonly float* _inverseNorms;
    private int[]? _links0Array, _upperArray, _upperOffsetsArray;
    private byte[]? _levelsArray;
    private int* _links0, _upper, _upperOffsets;
    private byte* _levels;
    private long _upperUsed;
    private sbyte[]? _codesArray;
    private sbyte* _codes;
    private float _codeScale;
    private int _count, _entry = -1, _maxLevel = -1;
    private int _scratchCreated;

    public HnswIndex(VectorMatrix data, VectorMetric metric, IndexSpec spec, IndexBuildOptions options)
        : base(data, metric, spec)
    {
        IndexDistance.Require(data, metric);
        _options = options;
        _levelRandom = new Random(options.Seed);
        _m = spec.M;
        _m0 = 2 * spec.M;
        _stride0 = _m0 + 1;
        _strideUpper = _m + 1;
        EfSearch = options.EfSearch;
        float* inverse = null;
        if (metric == VectorMetric.Cosine)
        {
            _inverseNormsArray = IndexDistance.InverseNorms(data, data.Rows, options.ThreadCount);
            inverse = IndexDistance.Pin(_inverseNormsArray);
        }
        _inverseNorms = inverse;
        _distance = new IndexDistance(data, metric, inverse);
    }

    private HnswIndex(VectorMatrix data, VectorMetric metric, IndexSpec spec, IndexFileReader file) : base(data, metric, spec)
    {
        _file = file;
        _options = new IndexBuildOptions();
        _levelRandom = new Random(0);
        _m = spec.M;
        _m0 = 2 * spec.M;
        _stride0 = _m0 + 1;
        _strideUpper = _m + 1;
        long[] p = file.Longs("PARM", 7);
        if (p[0] != _m) throw file.Corrupt($"the graph has M = {p[0]}, the factory string says {_m}");
        _count = (int)file.Header.Count;
        _entry = (int)p[1];
        _maxLevel = (int)p[2];
        EfSearch = (int)p[4];
        _upperUsed = p[3];
        if (_count > 0 && ((uint)_entry >= (uint)_count || _maxLevel is < 0 or > MaxLevel))
            throw file.Corrupt($"entry point {_entry} or top level {_maxLevel} is out of range");
        if (_upperUsed < 0 || _upperUsed > (long)_count * MaxLevel * _strideUpper || EfSearch < 1)
            throw file.Corrupt("the graph parameters are out of range");
        _links0 = (int*)file.Section("LNK0", (long)_count * _stride0 * 4);
        _levels = file.Section("LEVL", _count);
        _upperOffsets = (int*)file.Section("UOFF", (long)_count * 4);
        _upper = (int*)file.Section("UPPR", _upperUsed * 4);
        for (int i = 0; i < _count; i++)
        {
            // Offsets and levels are checked once here; link ids are checked as they are followed.
            int level = _levels[i];
            if (level > _maxLevel) throw file.Corrupt($"node {i} has level {level}, above the top level {_maxLevel}");
            if (level > 0 && (_upperOffsets[i] < 0 || _upperOffsets[i] + (long)level * _strideUpper > _upperUsed))
                throw file.Corrupt($"node {i}'s upper links lie outside the link array");
        }
        CheckLinks();
        float* inverse = null;
        if (metric == VectorMetric.Cosine) inverse = (float*)file.Section("INRM", data.Rows * 4);
        _inverseNorms = inverse;
        _distance = new IndexDistance(data, metric, inverse);
        if (spec.Sq8)
        {
            _codeScale = BitConverter.Int32BitsToSingle((int)p[6]);
            if (!float.IsFinite(_codeScale) || _codeScale <= 0) throw file.Corrupt($"the int8 scale {_codeScale} is not a positive number");
            _codes = (sbyte*)file.Section("SQ8C", (long)_count * data.Dimension);
        }
    }

    public int EfSearch { get; }
    public override long Count => _count;
    public override bool IsTrained => true;
    public int EntryPoint => _entry;
    public int TopLevel => _maxLevel;

    public override void Train() { }

    public override void Add(long rows)
    {
        if (_file is not null) throw new InvalidOperationException("an HNSW index opened from a file is read-only; rebuild it to add rows");
        RequireAddable(rows);
        if (rows == 0) return;
        int start = _count, end = checked((int)(_count + rows));
        Grow(start, end);
        if (Spec.Sq8) QuantiseRows(start, end);
        int threads = _options.ThreadCount;
        for (int position = start; position < end;)
        {
            if (_entry < 0)
            {
                _entry = position;
                _maxLevel = _levels[position];
                _count = ++position;
                continue;
            }
            int batch = Math.Min(end - position, Math.Clamp(position / BatchDivisor, 1, MaxBatch));
            InsertBatch(position, batch, threads);
            position += batch;
            _count = position;
        }
    }

    /// <summary>Room for nodes start..end-1 with their levels drawn (in id order, from the seeded generator).</summary>
    private void Grow(int start, int end)
    {
        double mult = 1 / Math.Log(Math.Max(2, _m));
        var levels = new byte[end];
        if (_levelsArray is not null) Array.Copy(_levelsArray, levels, start);
        long upperNeeded = _upperUsed;
        var offsets = new int[end];
        if (_upperOffsetsArray is not null) Array.Copy(_upperOffsetsArray, offsets, start);
        for (int i = start; i < end; i++)
        {
            int level = (int)Math.Min(MaxLevel, -Math.Log(1 - _levelRandom.NextDouble()) * mult);
            levels[i] = (byte)level;
            offsets[i] = level > 0 ? checked((int)upperNeeded) : -1;
            upperNeeded += (long)level * _strideUpper;
        }
        int[] links0 = GC.AllocateArray<int>(checked(end * _stride0), pinned: true);
        if (_links0Array is not null) Array.Copy(_links0Array, links0, (long)start * _stride0);
        int[] upper = GC.AllocateArray<int>(checked((int)Math.Max(1, upperNeeded)), pinned: true);
        if (_upperArray is not null) Array.Copy(_upperArray, upper, _upperUsed);
        byte[] levelsPinned = GC.AllocateUninitializedArray<byte>(end, pinned: true);
        levels.CopyTo(levelsPinned, 0);
        int[] offsetsPinned = GC.AllocateUninitializedArray<int>(end, pinned: true);
        offsets.CopyTo(offsetsPinned, 0);
        (_links0Array, _upperArray, _levelsArray, _upperOffsetsArray) = (links0, upper, levelsPinned, offsetsPinned);
        _links0 = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(links0));
        _upper = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(upper));
        _levels = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(levelsPinned));
        _upperOffsets = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(offsetsPinned));
        _upperUsed = upperNeeded;
        _pool.Clear();
    }

    private void InsertBatch(int first, int count, int threads)
    {
        var found = new int[count][][];
        Run(count, threads, i => found[i] = FindNeighbours(first + i));

        // The batch's own lists: each node writes only its own memory.
        var reverse = new List<(int Level, int Target, int Source)>();
        for (int i = 0; i < count; i++)
        {
            int node = first + i;
            for (int level = 0; level < found[i].Length; level++)
            {
                int[] selected = found[i][level];
                int* list = Links(node, level);
                list[0] = selected.Length;
                for (int j = 0; j < selected.Length; j++)
                {
                    list[1 + j] = selected[j];
                    reverse.Add((level, selected[j], node));
                }
            }
        }

        // Reverse links grouped by (level, target); each group touches only its target's list.
        reverse.Sort();
        var groups = new List<(int Start, int Length)>();
        for (int i = 0; i < reverse.Count;)
        {
            int j = i + 1;
            while (j < reverse.Count && reverse[j].Level == reverse[i].Level && reverse[j].Target == reverse[i].Target) j++;
            groups.Add((i, j - i));
            i = j;
        }
        Run(groups.Count, threads, g =>
        {
            (int start, int length) = groups[g];
            AddReverseLinks(reverse[start].Target, reverse[start].Level, reverse, start, length);
        });

        for (int i = 0; i < count; i++)
        {
            int node = first + i;
            if (_levels[node] > _maxLevel)
            {
                _maxLevel = _levels[node];
                _entry = node;
            }
        }
    }

    private static void Run(int count, int threads, Action<int> body)
    {
        if (count == 1 || threads == 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>Neighbours of a new node at each of its levels, from the graph as it is (read-only).</summary>
    private int[][] FindNeighbours(int node)
    {
        HnswScratch s = Rent();
        try
        {
            float* q = _distance.RowAsQuery(node, s.Row, out float qs);
            // f16 rows: the prescaled kernel gives the same keys with fewer instructions (see PrescaledHalf).
            return PrescaledHalf(new ReadOnlySpan<float>(q, Dimension), s, qs) is { } half
                ? FindNeighbours(node, half, s)
                : FindNeighbours(node, new ExactNodeDistance(_distance, q, qs), s);
        }
        finally
        {
            _pool.Add(s);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int[][] FindNeighbours<TDistance>(int node, TDistance exact, HnswScratch s) where TDistance : struct, INodeDistance
    {
        int level = _levels[node];
        var result = new int[level + 1][];
        for (int l = Math.Min(level, _maxLevel) + 1; l <= level; l++) result[l] = [];
        int current = _entry;
        float currentKey = exact.Key(current);
        for (int l = _maxLevel; l > level; l--) (current, currentKey) = Greedy(exact, current, currentKey, l);
        int ef = _options.EfConstruction;
        for (int l = Math.Min(level, _maxLevel); l >= 0; l--)
        {
            SearchLayer(exact, current, currentKey, l, ef, null, s);
            int n = s.Top.Count;
            s.EnsureSorted(n);
            s.Top.DrainAscending(s.SortedKeys, s.SortedIds);
            current = s.SortedIds[0];
            currentKey = s.SortedKeys[0];
            var selected = new int[_m];
            int kept = SelectNeighbours(s.SortedKeys, s.SortedIds, n, _m, selected, s);
            result[l] = selected[..kept];
        }
        return result;
    }

    /// <summary>New links into a target's list; an overfull list is pruned with the heuristic over old and new links.</summary>
    private void AddReverseLinks(int target, int level, List<(int Level, int Target, int Source)> reverse, int start, int length)
    {
        int* list = Links(target, level);
        int capacity = level == 0 ? _m0 : _m;
        int existing = list[0];
        if (existing + length <= capacity)
        {
            for (int i = 0; i < length; i++) list[1 + existing + i] = reverse[start + i].Source;
            list[0] = existing + length;
            return;
        }
        HnswScratch s = Rent();
        try
        {
            int n = existing + length;
            s.EnsureSorted(n);
            float[] keys = s.SortedKeys;
            int[] ids = s.SortedIds;
            float* q = _distance.RowAsQuery(target, s.Row, out float qs);
            for (int i = 0; i < n; i++)
            {
                int id = i < existing ? list[1 + i] : reverse[start + i - existing].Source;
                ids[i] = id;
                keys[i] = _distance.Key(q, qs, id);
            }
            SortByKeyThenId(keys, ids, n);
            Span<int> selected = stackalloc int[capacity];
            int kept = SelectNeighbours(keys, ids, n, capacity, selected, s);
            for (int i = 0; i < kept; i++) list[1 + i] = selected[i];
            list[0] = kept;
        }
        finally
        {
            _pool.Add(s);
        }
    }

    private static void SortByKeyThenId(float[] keys, int[] ids, int n)
    {
        // Insertion sort: lists are short (at most 2M + a batch's links) and the order must not depend on the sort's tie handling.
        for (int i = 1; i < n; i++)
        {
            float k = keys[i];
            int id = ids[i];
            int j = i - 1;
            while (j >= 0 && (keys[j] > k || (keys[j] == k && ids[j] > id)))
            {
                keys[j + 1] = keys[j];
                ids[j + 1] = ids[j];
                j--;
            }
            keys[j + 1] = k;
            ids[j + 1] = id;
        }
    }

    /// <summary>
    /// hnswlib's getNeighborsByHeuristic2: walk candidates closest first and keep one only if it is
    /// closer to the base than to every neighbour kept so far, until <paramref name="max"/> are kept.
    /// </summary>
    private int SelectNeighbours(float[] keys, int[] ids, int n, int max, Span<int> selected, HnswScratch s)
    {
        int kept = 0;
        for (int i = 0; i < n && kept < max; i++)
        {
            float* c = _distance.RowAsQuery(ids[i], s.Candidate, out float cs);
            bool good = true;
            for (int j = 0; j < kept; j++)
            {
                if (_distance.Key(c, cs, selected[j]) < keys[i])
                {
                    good = false;
                    break;
                }
            }
            if (good) selected[kept++] = ids[i];
        }
        return kept;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int* Links(int node, int level) => level == 0
        ? _links0 + (long)node * _stride0
        : _upper + _upperOffsets[node] + (long)(level - 1) * _strideUpper;

    /// <summary>Links of a node as stored, checked so a corrupt file cannot make a walk read out of bounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int* CheckedLinks(int node, int level, out int count)
    {
        if (level > _levels[node]) throw Corrupt($"node {node} is linked at level {level} but has level {_levels[node]}");
        int* list = Links(node, level);
        count = list[0];
        if ((uint)count > (uint)(level == 0 ? _m0 : _m)) throw Corrupt($"node {node} has {count} links at level {level}");
        return list + 1;
    }

    /// <summary>
    /// Every stored link checked once at open (a pass over the link arrays, ~20 ms per million
    /// nodes), so the walks need no checks: each list's count fits its capacity, and each id names
    /// an indexed node that has the list's level.
    /// </summary>
    private void CheckLinks()
    {
        if (_count > 0 && _levels[_entry] != _maxLevel) throw Corrupt($"the entry point {_entry} has level {_levels[_entry]}, not the top level {_maxLevel}");
        for (int node = 0; node < _count; node++)
        {
            int top = _levels[node];
            for (int level = 0; level <= top; level++)
            {
                int* list = CheckedLinks(node, level, out int count);
                for (int i = 0; i < count; i++)
                {
                    int id = list[i];
                    if ((uint)id >= (uint)_count) throw Corrupt($"node {node} links to node {id} at level {level}; the graph has {_count} nodes");
                    if (level > 0 && _levels[id] < level) throw Corrupt($"node {node} links to node {id} at level {level}, but node {id} has level {_levels[id]}");
                }
            }
        }
    }

    private Exception Corrupt(string problem) => _file is not null
        ? _file.Corrupt($"the graph is corrupt: {problem}")
        : new InvalidOperationException($"the graph is inconsistent: {problem}");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (int, float) Greedy<TDistance>(TDistance distance, int current, float currentKey, int level) where TDistance : struct, INodeDistance
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            int* links = Links(current, level);
            int count = *links++;
            for (int i = 0; i < count; i++)
            {
                int n = links[i];
                float key = distance.Key(n);
                if (key < currentKey || (key == currentKey && n < current))
                {
                    current = n;
                    currentKey = key;
                    changed = true;
                }
            }
        }
        return (current, currentKey);
    }

    /// <summary>
    /// Beam search of one level (hnswlib's searchBaseLayerST): leaves the ef best allowed nodes in
    /// <c>s.Top</c>. With a filter, disallowed nodes are walked through but not kept, and the walk
    /// only stops early once ef allowed nodes are held.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SearchLayer<TDistance>(TDistance distance, int entry, float entryKey, int level, int ef, ulong[]? allow, HnswScratch s)
        where TDistance : struct, INodeDistance
    {
        VisitedSet visited = s.Visited;
        KeyIdHeap top = s.Top, candidates = s.Candidates;
        int* fresh = s.Fresh;
        int rowBytes = distance.RowBytes;
        visited.NewGeneration();
        top.Clear();
        candidates.Clear();
        visited.Visit(entry);
        candidates.Push(-entryKey, entry);
        if (allow is null || Allowed(allow, entry)) top.Push(entryKey, entry);
        float bound = top.Count > 0 ? top.RootKey : float.PositiveInfinity;
        while (candidates.Count > 0)
        {
            float key = -candidates.RootKey;
            int node = candidates.RootId;
            if (key > bound && (top.Count == ef || allow is null)) break;
            candidates.Pop();
            // Links were checked when the graph was opened (or built here): no checks in the loop.
            int* links = Links(node, level);
            int count = links[0];
            // Unvisited neighbours first, so their rows can be fetched ahead of the distances.
            int n = 0;
            for (int i = 1; i <= count; i++)
            {
                int id = links[i];
                if (visited.Visit(id)) fresh[n++] = id;
            }
            if (n == 0) continue;
            Prefetch(distance.Row(fresh[0]), rowBytes);
            for (int j = 0; j < n; j++)
            {
                int id = fresh[j];
                if (j + 1 < n) Prefetch(distance.Row(fresh[j + 1]), rowBytes);
                float k = distance.Key(id);
                if (top.Count < ef || k < bound)
                {
                    candidates.Push(-k, id);
                    if (allow is null || Allowed(allow, id))
                    {
                        top.Push(k, id);
                        if (top.Count > ef) top.Pop();
                    }
                    if (top.Count > 0) bound = top.RootKey;
                }
            }
        }
    }

    /// <summary>
    /// Asks for the next row ahead of its distance. Rows up to 2 KB (int8 copies: 12 lines at 768
    /// dimensions; f16: 24 lines) are prefetched whole; a 3 KB f32 row only by its first line, as
    /// hnswlib does, and the hardware streams the rest. Measured at 200k × 768, ef 64, CPU seconds
    /// per 10k queries (loaded machine, two rounds each): f32 first line 2.52/2.34, 8 lines 2.58/2.50,
    /// whole row 2.90/2.66; int8 first line 1.94/1.80, whole row 1.79/1.75; f16 first line 2.96/2.74,
    /// whole row 2.40/2.33.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(byte* row, int bytes)
    {
        if (!Sse.IsSupported) return;
        if (bytes > WholeRowPrefetchBytes) bytes = 64;
        for (int offset = 0; offset < bytes; offset += 64) Sse.Prefetch0(row + offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Allowed(ulong[] allow, int id) => (allow[id >> 6] & (1UL << (id & 63))) != 0;

    // Walks mark only ids below _count; asking for more than that (it was _count + 1) made every
    // pooled scratch too small once the whole set was indexed, so each query allocated and zeroed a new visited array.
    private HnswScratch Rent()
    {
        if (_pool.TryTake(out HnswScratch? s) && s.Visited.Capacity >= _count) return s;
        Interlocked.Increment(ref _scratchCreated);
        return new HnswScratch(Math.Max(_count, (int)Data.Rows), Dimension, Math.Max(_options.EfConstruction, EfSearch), _m0);
    }

    /// <summary>Scratch buffers created so far (for tests: searches must reuse them, not allocate per query).</summary>
    internal int ScratchCreated => Volatile.Read(ref _scratchCreated);

    protected override void PrepareQuery(ReadOnlySpan<float> query, Span<float> destination, int index) => _distance.PrepareQuery(query, destination, index);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override int SearchOne(ReadOnlySpan<float> query, int k, IndexSearchOptions options, ulong[]? allow, Span<long> ids, Span<float> scores)
    {
        if (_count == 0) return 0;
        HnswScratch s = Rent();
        try
        {
            query.CopyTo(s.QuerySpan);
            float* q = s.Query;
            int ef = Math.Max(k, options.Ef ?? EfSearch);
            if (_codes != null)
            {
                Int8NodeDistance coded = CodedQuery(query, s);
                Walk(coded, ef, allow, s);
            }
            else if (PrescaledHalf(query, s) is { } half)
            {
                Walk(half, ef, allow, s);
            }
            else
            {
                Walk(new ExactNodeDistance(_distance, q, 1f), ef, allow, s);
            }
            int n = s.Top.Count;
            s.EnsureSorted(n);
            s.Top.DrainAscending(s.SortedKeys, s.SortedIds);
            if (_codes != null)
            {
                // The walk ranked by int8 keys: re-rank its ef nodes exactly.
                int rowBytes = (int)Data.RowBytes;
                if (n > 0) Prefetch(_distance.RowPointer(s.SortedIds[0]), rowBytes);
                for (int i = 0; i < n; i++)
                {
                    if (i + 1 < n) Prefetch(_distance.RowPointer(s.SortedIds[i + 1]), rowBytes);
                    s.SortedKeys[i] = _distance.Key(q, 1f, s.SortedIds[i]);
                }
                SortByKeyThenId(s.SortedKeys, s.SortedIds, n);
            }
            n = Math.Min(n, k);
            for (int i = 0; i < n; i++)
            {
                ids[i] = s.SortedIds[i];
                scores[i] = _distance.Score(s.SortedKeys[i]);
            }
            return n;
        }
        finally
        {
            _pool.Add(s);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Walk<TDistance>(TDistance distance, int ef, ulong[]? allow, HnswScratch s) where TDistance : struct, INodeDistance
    {
        int current = _entry;
        float currentKey = distance.Key(current);
        for (int l = _maxLevel; l > 0; l--) (current, currentKey) = Greedy(distance, current, currentKey, l);
        SearchLayer(distance, current, currentKey, 0, ef, allow, s);
    }

    /// <summary>
    /// For f16 rows under inner product or cosine: the query times 2^112 in scratch and the
    /// prescaled kernel (measured at 200k × 768, ef 64: 3.2 CPU seconds per 10k queries with the
    /// plain f16 kernel, against 2.4 for f32 rows). Null when the rows are not f16, the metric is
    /// L2, or a component is too large to prescale.
    /// </summary>
    private PrescaledHalfNodeDistance? PrescaledHalf(ReadOnlySpan<float> query, HnswScratch s, float queryScale = 1f)
    {
        if (Data.ElementType != VectorElementType.Float16 || Metric == VectorMetric.L2) return null;
        float* scaled = s.ScaledQuery;
        for (int i = 0; i < query.Length; i++)
        {
            if (MathF.Abs(query[i]) > HalfBits.MaxPrescalableComponent) return null;
            scaled[i] = query[i] * HalfBits.QueryScale;
        }
        return new PrescaledHalfNodeDistance((byte*)Data.Address, Data.RowBytes, Dimension, scaled, queryScale,
            Metric == VectorMetric.Cosine ? _inverseNorms : null, _distance.Kernels.DotF16Prescaled);
    }

    /// <summary>
    /// The query in the int8 copy's terms. L2 needs the rows' scale; inner product and cosine
    /// rank the same under any positive query scale, so the query uses its own full range.
    /// </summary>
    private Int8NodeDistance CodedQuery(ReadOnlySpan<float> query, HnswScratch s)
    {
        float scale = _codeScale;
        if (Metric != VectorMetric.L2)
        {
            float max = 0;
            foreach (float v in query) max = MathF.Max(max, MathF.Abs(v));
            scale = max > 0 ? 127f / max : 1f;
        }
        sbyte* coded = s.CodedQuery;
        for (int i = 0; i < query.Length; i++) coded[i] = (sbyte)Math.Clamp(MathF.Round(query[i] * scale), -127, 127);
        bool l2 = Metric == VectorMetric.L2;
        return new Int8NodeDistance(_codes, Dimension, coded, l2 ? _distance.Kernels.L2I8 : _distance.Kernels.DotI8, l2 ? 1f : -1f);
    }

    /// <summary>
    /// The int8 copy for SQ8: one scale for all components (127 / the largest magnitude; rows are
    /// normalised first for cosine), so integer dot products and distances rank like the floats.
    /// </summary>
    private void QuantiseRows(int start, int end)
    {
        int dim = Dimension;
        if (_codesArray is null)
        {
            _codesArray = GC.AllocateArray<sbyte>((int)Math.Max(1, Data.Rows * dim), pinned: true);
            _codes = (sbyte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_codesArray));
            float max = 0;
            var row = new float[dim];
            for (long r = 0; r < Data.Rows; r++)
            {
                Data.CopyRowTo(r, row);
                float scale = Metric == VectorMetric.Cosine ? _inverseNormsArray![r] : 1f;
                foreach (float v in row) max = MathF.Max(max, MathF.Abs(v * scale));
            }
            _codeScale = max > 0 ? 127f / max : 1f;
        }
        Parallel.For(start, end, new ParallelOptions { MaxDegreeOfParallelism = _options.ThreadCount }, () => new float[dim], (r, _, row) =>
        {
            Data.CopyRowTo(r, row);
            float scale = _codeScale * (Metric == VectorMetric.Cosine ? _inverseNormsArray![r] : 1f);
            sbyte* code = _codes + (long)r * dim;
            for (int d = 0; d < dim; d++) code[d] = (sbyte)Math.Clamp(MathF.Round(row[d] * scale), -127, 127);
            return row;
        }, _ => { });
    }

    protected override (nint Address, long Length)? FileMapping => _file?.Mapping;

    protected override IndexSearchOptions Widen(IndexSearchOptions options, double density) =>
        density >= 1 ? options : options.With((int)Math.Ceiling((options.Ef ?? EfSearch) * Widening(density)), options.NProbe);

    protected override int? WalkEf(IndexSearchOptions options) => options.Ef ?? EfSearch;

    /// <summary>A walk keeps going until it holds ef allowed nodes: about ef / density expansions' worth of level-0 links.</summary>
    protected override double WalkCost(int k, IndexSearchOptions options, double density) =>
        Math.Max(k, options.Ef ?? EfSearch) * (double)_m0 / density;

    /// <summary>
    /// Every node above level 0: its upper link lists and the first byte of each page of its row (and of its
    /// int8 copy). Every search's greedy descent runs there, so a fresh process's first queries would
    /// otherwise fault these pages in one at a time; about 1/M of the nodes.
    /// </summary>
    protected override long TouchEntryRegion()
    {
        long touched = 0;
        int sum = 0, rowBytes = (int)Data.RowBytes;
        for (int node = 0; node < _count; node++)
        {
            int level = _levels[node];
            if (level == 0) continue;
            for (int l = 1; l <= level; l++) sum += Links(node, l)[0];
            sum += Storage.MappedMemory.Touch((nint)_distance.RowPointer(node), rowBytes);
            if (_codes != null) sum += Storage.MappedMemory.Touch((nint)(_codes + (long)node * Dimension), Dimension);
            touched++;
        }
        GC.KeepAlive(sum);
        return touched;
    }

    /// <summary>Level-0 neighbours of a node (for tests and statistics).</summary>
    internal int[] Neighbours(int node, int level = 0)
    {
        int* list = CheckedLinks(node, level, out int count);
        return new ReadOnlySpan<int>(list, count).ToArray();
    }

    internal int LevelOf(int node) => _levels[node];

    /// <summary>True when searches walk the int8 copy (SQ8).</summary>
    internal bool WalksInt8Copy => _codes != null;

    public override void Save(string path)
    {
        var writer = new IndexFileWriter();
        long[] parameters = [_m, _entry, _maxLevel, _upperUsed, EfSearch, _options.EfConstruction, BitConverter.SingleToInt32Bits(_codeScale)];
        writer.Add("PARM", parameters, parameters.Length);
        writer.Add("LNK0", (byte*)_links0, (long)_count * _stride0 * 4);
        writer.Add("LEVL", _levels, _count);
        writer.Add("UOFF", (byte*)_upperOffsets, (long)_count * 4);
        writer.Add("UPPR", (byte*)_upper, _upperUsed * 4);
        if (Metric == VectorMetric.Cosine) writer.Add("INRM", (byte*)InverseNormsPointer(), Data.Rows * 4);
        if (_codes != null) writer.Add("SQ8C", (byte*)_codes, (long)_count * Dimension);
        writer.Write(path, new IndexFileHeader("HNSW", Metric, Data.ElementType, Dimension, 0, _count, Data.Rows, _file?.Header.VectorSetChecksum ?? _options.VectorSetChecksum, 0), Factory);
        GC.KeepAlive(this);
    }

    private float* InverseNormsPointer() => _inverseNormsArray is not null
        ? IndexDistance.Pin(_inverseNormsArray)
        : _file!.Section("INRM", Data.Rows * 4) is var p ? (float*)p : null;

    internal static HnswIndex Open(VectorMatrix data, IndexSpec spec, IndexFileReader file) => new(data, file.Header.Metric, spec, file);

    public override void Dispose()
    {
        _pool.Clear();
        _file?.Dispose();
    }
}
