using Trawl.Vectors.Indexes.Files;
using Trawl.Vectors.Search;

namespace Trawl.Vectors.Indexes.Flat;

/// <summary>
/// Exact search behind the index contract ("Flat"): every indexed row is scored. It needs no
/// training, stores nothing of its own, and is the oracle the approximate kinds are tested against.
/// </summary>
internal sealed class FlatIndex : VectorIndexBase
{
    private readonly ulong _vectorSetChecksum;
    private long _count;

    public FlatIndex(VectorMatrix data, VectorMetric metric, ulong vectorSetChecksum, long count = 0)
        : base(data, metric, new IndexSpec(IndexKind.Flat))
    {
        _ = ExactSearch.Create(data, metric); // checks the metric fits the element type
        _vectorSetChecksum = vectorSetChecksum;
        _count = count;
    }

    public override long Count => _count;
    public override bool IsTrained => true;

    protected override bool AlwaysExact => true;

    public override void Train() { }

    public override void Add(long rows)
    {
        RequireAddable(rows);
        _count += rows;
    }

    protected override void PrepareQuery(ReadOnlySpan<float> query, Span<float> destination, int index)
    {
        // ExactSearch checks and normalises queries itself.
        query.CopyTo(destination);
    }

    protected override int SearchOne(ReadOnlySpan<float> query, int k, IndexSearchOptions options, ulong[]? allow, Span<long> ids, Span<float> scores) => 0;

    public override void Save(string path) =>
        new IndexFileWriter().Write(path, new IndexFileHeader("FLAT", Metric, Data.ElementType, Dimension, 0, _count, Data.Rows, _vectorSetChecksum, 0), Factory);

    public override void Dispose() { }
}
