using System.Runtime.ExceptionServices;
using Trawl.Vectors.Search;

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

    /// <summary>
    /// Searches one prepared query (cosine queries normalised); writes at most k results best first
    /// into the spans and returns how many. <paramref name="allow"/> is null or the bitmap.
    /// </summary>
    protected abstract int SearchOne(ReadOnlySpan<float> query, int k, IndexSearchOptions options, ulong[]? allow, Span<long> ids, Span<float> scores);

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
        bool exactOnly = allowed == 0 || (options.Filter is not null && allowed < options.ExactBelowFraction * indexed);
        RowFilter? restricted = options.Filter is null && indexed == Data.Rows ? null : Fallback.Restrict(options.Filter, indexed);
        ulong[]? allow = options.Filter?.Bits;
        float[] raw = queries.ToArray();
        long[] outIds = new long[count * k];
        float[] outScores = new float[count * k];

        if ((exactOnly || AlwaysExact) && allowed > 0)
        {
            // One blocked scan answers the whole batch.
            SearchResult[] results = Fallback.Search.SearchBatch(raw, k, restricted is null ? null : new SearchOptions { Filter = restricted });
            for (int q = 0; q < count; q++) ExactFallback.Write(results[q], k, ids.Slice(q * k, k), scores.Slice(q * k, k));
            return;
        }

        void One(int q)
        {
            Span<long> qi = outIds.AsSpan(q * k, k);
            Span<float> qs = outScores.AsSpan(q * k, k);
            if (allowed == 0)
            {
                qi.Fill(-1);
                qs.Fill(float.NaN);
                return;
            }
            int n = exactOnly ? 0 : SearchOne(prepared.AsSpan(q * dim, dim), k, options, allow, qi, qs);
            if (n < wanted) Fallback.SearchOne(raw.AsSpan(q * dim, dim), k, restricted, qi, qs);
            else
            {
                qi[n..].Fill(-1);
                qs[n..].Fill(float.NaN);
            }
        }

        int threads = Math.Min(options.Threads ?? Environment.ProcessorCount, count);
        if (threads <= 1 || exactOnly)
        {
            for (int q = 0; q < count; q++) One(q);
        }
        else
        {
            try
            {
                Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, One);
            }
            catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
            {
                ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }
        outIds.CopyTo(ids);
        outScores.CopyTo(scores);
    }
}
