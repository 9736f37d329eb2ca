using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Trawl.Vectors.Search;
using Trawl.Vectors.Storage;

namespace Trawl.Vectors.Indexes;

/// <summary>
/// What every index kind shares: argument checks, query preparation, batches run in parallel,
/// the filter policy (exact search when a filter allows few rows or a walk comes back short)
/// and padding of missing results.
/// </summary>
internal abstract class VectorIndexBase : IVectorIndex
{
    protected VectorIndexBase(VectorMatrix data, VectorMetric metric, IndexSpec spec)
    {
        Data = data;
        Metric = metric;
        Spec = spec;
        Fallback = new ExactFallback(data, metric);
    }

    public IndexSpec Spec { get; }
    public string Factory => Spec.ToString();
    public VectorMetric Metric { get; }
    public int Dimension => Data.Dimension;
    public VectorMatrix Data { get; }
    public abstract long Count { get; }
    public abstract bool IsTrained { get; }
    internal ExactFallback Fallback { get; }

    /// <summary>True when every search is an exact scan (Flat).</summary>
    protected virtual bool AlwaysExact => false;

    public abstract void Train();
    public abstract void Add(long rows);
    public abstract void Save(string path);
    public abstract void Dispose();

    /// <summary>The index file's mapping when the index was opened from a file; null for one built in memory.</summary>
    protected virtual (nint Address, long Length)? FileMapping => null;

    /// <summary>Reads what every search reads first (HNSW: the upper levels and their rows); returns the nodes touched.</summary>
    protected virtual long TouchEntryRegion() => 0;

    public WarmUpReport WarmUp(WarmUpMode mode, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        if (mode == WarmUpMode.None) return new WarmUpReport(mode, 0, 0, 0, TimeSpan.Zero);
        // The index file first: a walk reads its links (and an SQ8 copy) on every step, the rows less often.
        var regions = new List<(nint Address, long Length)>(2);
        if (FileMapping is { } file) regions.Add(file);
        if (Data.Rows > 0) regions.Add((Data.Address, Data.Rows * Data.RowBytes));
        long advised = 0, populated = 0;
        foreach (var (address, length) in regions)
            if (MappedMemory.Advise(address, length)) advised += length;
        long nodes = TouchEntryRegion();
        if (mode == WarmUpMode.Populate)
            foreach (var (address, length) in regions) populated += MappedMemory.Populate(address, length, cancel);
        return new WarmUpReport(mode, advised, populated, nodes, clock.Elapsed);
    }

    /// <summary>Below this density an exact answer scans each query's allowed rows alone instead of the blocked batch over all rows.</summary>
    internal const double SparseExactFraction = 0.25;

    /// <summary>Largest widening of the beam or list count for a filtered walk.</summary>
    internal const double MaxWidening = 4;

    /// <summary>How much a filtered walk widens its beam at this density: 1/√density, from ×1 (all rows) to ×4.</summary>
    internal static double Widening(double density) => Math.Clamp(1 / Math.Sqrt(Math.Max(density, 1e-12)), 1, MaxWidening);

    /// <summary>The options of a filtered walk at this density (wider beam or more lists); the kinds without one return them as they are.</summary>
    protected virtual IndexSearchOptions Widen(IndexSearchOptions options, double density) => options;

    /// <summary>Distance computations (full-vector equivalents) one filtered walk with these (widened) options costs, roughly.</summary>
    protected virtual double WalkCost(int k, IndexSearchOptions options, double density) => double.PositiveInfinity;

    /// <summary>
    /// The filter plan for a batch: exact over the allowed rows, or the walk with widened options. Auto takes
    /// the exact scan below <see cref="IndexSearchOptions.ExactBelowFraction"/> and whenever it scores fewer rows
    /// than the walk is expected to (the walk pays its distances in random reads as well).
    /// </summary>
    internal (bool Exact, IndexSearchOptions Options) PlanFilter(long allowed, long indexed, int k, IndexSearchOptions options)
    {
        double density = (double)allowed / Math.Max(1, indexed);
        IndexSearchOptions walk = Widen(options, density);
        bool exact = options.FilterStrategy switch
        {
            FilterStrategy.Exact => true,
            FilterStrategy.Walk => false,
            _ => allowed < options.ExactBelowFraction * indexed || allowed <= WalkCost(k, walk, density),
        };
        return (exact, walk);
    }

    public FilterPlan? PlanFilter(int k, IndexSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (options.Filter is not { } filter) return null;
        if (filter.RowCount != Data.Rows)
            throw new ArgumentException($"the allow-list is for {filter.RowCount} rows, the vector set has {Data.Rows}", nameof(options));
        long indexed = Count;
        long allowed = ExactFallback.CountAllowed(filter, indexed);
        if (AlwaysExact || allowed == 0) return new FilterPlan(FilterStrategy.Exact, allowed, indexed, null, null);
        (bool exact, IndexSearchOptions walk) = PlanFilter(allowed, indexed, k, options);
        return exact
            ? new FilterPlan(FilterStrategy.Exact, allowed, indexed, null, null)
            : new FilterPlan(FilterStrategy.Walk, allowed, indexed, WalkEf(walk), WalkNProbe(walk));
    }

    /// <summary>The beam a walk with these options uses (HNSW), or null.</summary>
    protected virtual int? WalkEf(IndexSearchOptions options) => null;

    /// <summary>The lists a walk with these options visits (IVF), or null.</summary>
    protected virtual int? WalkNProbe(IndexSearchOptions options) => null;

    /// <summary>
    /// Searches one prepared query (cosine queries normalised); writes at most k results best first
    /// into the spans and returns how many. <paramref name="allow"/> is null or the bitmap.
    /// </summary>
    protected abstract int SearchOne(ReadOnlySpan<float> query, int k, IndexSearchOptions options, ulong[]? allow, Span<long> ids, Span<float> scores);

    /// <summary>Queries prepared and handed to <see cref="PrepareBlock"/> at a time.</summary>
    protected const int QueryBlock = 1024;

    /// <summary>
    /// A step shared by a block of prepared queries before each is searched (IVF-PQ picks every
    /// query's lists with one matrix product, as FAISS does with BLAS). What it returns reaches
    /// <see cref="SearchOne(ReadOnlySpan{float}, int, IndexSearchOptions, ulong[], object, int, Span{long}, Span{float})"/>;
    /// null (the default) means plain per-query searches.
    /// </summary>
    protected virtual object? PrepareBlock(ReadOnlySpan<float> prepared, int count, IndexSearchOptions options, ulong[]? allow, int threads) => null;

    /// <summary>Searches query <paramref name="indexInBlock"/> of a block that <see cref="PrepareBlock"/> returned <paramref name="block"/> for.</summary>
    protected virtual int SearchOne(ReadOnlySpan<float> query, int k, IndexSearchOptions options, ulong[]? allow, object block, int indexInBlock, Span<long> ids, Span<float> scores)
        => SearchOne(query, k, options, allow, ids, scores);

    /// <summary>Normalises a cosine query, checks components (the kind's distance does it).</summary>
    protected abstract void PrepareQuery(ReadOnlySpan<float> query, Span<float> destination, int index);

    protected void RequireAddable(long rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (rows > Data.Rows - Count)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"{Count} rows are indexed and the set has {Data.Rows}; cannot add {rows} more");
    }

    public void Search(ReadOnlySpan<float> queries, int k, Span<long> ids, Span<float> scores, IndexSearchOptions? options = null)
    {
        options ??= new IndexSearchOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        int dim = Dimension;
        if (queries.Length % dim != 0) throw new ArgumentException($"{queries.Length} values is not a whole number of {dim}-dimensional queries", nameof(queries));
        int count = queries.Length / dim;
        if ((long)count * k > ids.Length || (long)count * k > scores.Length)
            throw new ArgumentException($"{count} queries × k {k} need {(long)count * k} result slots, the buffers have {ids.Length} ids and {scores.Length} scores", nameof(ids));
        if (options.Filter is { } f && f.RowCount != Data.Rows)
            throw new ArgumentException($"the allow-list is for {f.RowCount} rows, the vector set has {Data.Rows}", nameof(options));
        if (options.Ef is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Ef, "ef must be at least 1");
        if (options.NProbe is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.NProbe, "nprobe must be at least 1");
        if (options.RefineFactor is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.RefineFactor, "the refine factor must be at least 1");
        if (options.Threads is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "threads must be at least 1");
        if (!IsTrained && Count > 0) throw new InvalidOperationException("the index is not trained");

        float[] prepared = new float[queries.Length];
        for (int q = 0; q < count; q++) PrepareQuery(queries.Slice(q * dim, dim), prepared.AsSpan(q * dim, dim), q);
        if (count == 0) return;
        long indexed = Count;
        long allowed = options.Filter is null ? indexed : ExactFallback.CountAllowed(options.Filter, indexed);
        int wanted = (int)Math.Min(k, allowed);
        bool exactOnly = allowed == 0;
        if (options.Filter is not null && allowed > 0 && !AlwaysExact)
            (exactOnly, options) = PlanFilter(allowed, indexed, k, options);
        RowFilter? restricted = options.Filter is null && indexed == Data.Rows ? null : Fallback.Restrict(options.Filter, indexed);
        ulong[]? allow = options.Filter?.Bits;
        float[] raw = queries.ToArray();
        long[] outIds = new long[count * k];
        float[] outScores = new float[count * k];

        // The blocked batch scan scores every row and drops the disallowed ones after; a sparse allow-list is
        // cheaper scanned per query over its set bits only.
        bool sparse = options.Filter is not null && allowed < SparseExactFraction * indexed;
        if ((exactOnly || AlwaysExact) && allowed > 0 && !sparse)
        {
            // One blocked scan answers the whole batch.
            SearchResult[] results = Fallback.Search.SearchBatch(raw, k, restricted is null ? null : new SearchOptions { Filter = restricted });
            for (int q = 0; q < count; q++) ExactFallback.Write(results[q], k, ids.Slice(q * k, k), scores.Slice(q * k, k));
            return;
        }

        int threads = Math.Min(options.Threads ?? Environment.ProcessorCount, count);
        for (int first = 0; first < count; first += QueryBlock)
        {
            int n = Math.Min(QueryBlock, count - first);
            object? block = exactOnly ? null : PrepareBlock(prepared.AsSpan(first * dim, n * dim), n, options, allow, threads);

            void One(int i)
            {
                int q = first + i;
                Span<long> qi = outIds.AsSpan(q * k, k);
                Span<float> qs = outScores.AsSpan(q * k, k);
                if (allowed == 0)
                {
                    qi.Fill(-1);
                    qs.Fill(float.NaN);
                    return;
                }
                ReadOnlySpan<float> query = prepared.AsSpan(q * dim, dim);
                int found = exactOnly ? 0
                    : block is null ? SearchOne(query, k, options, allow, qi, qs)
                    : SearchOne(query, k, options, allow, block, i, qi, qs);
                if (found < wanted) Fallback.SearchOne(raw.AsSpan(q * dim, dim), k, restricted, qi, qs);
                else
                {
                    qi[found..].Fill(-1);
                    qs[found..].Fill(float.NaN);
                }
            }

            if (threads <= 1)
            {
                for (int i = 0; i < n; i++) One(i);
            }
            else
            {
                try
                {
                    Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = threads }, One);
                }
                catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
                {
                    ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
                }
            }
        }
        outIds.CopyTo(ids);
        outScores.CopyTo(scores);
    }
}
