using Trawl.Vectors.Indexes;
using Trawl.Vectors.Search;
using Xunit.Abstractions;

namespace Trawl.Vectors.Tests.Indexes;

/// <summary>
/// Allow-lists of 0.1, 1, 10 and 50 % of the rows through HNSW and IVF-PQ with every filter strategy:
/// only allowed ids, never fewer than min(k, allowed) results, recall@10 ≥ 0.95 of the filtered exact answer.
/// </summary>
public class FilteredSearchTests(HnswFixture hnsw, IvfPqFixture ivf, ITestOutputHelper output) : IClassFixture<HnswFixture>, IClassFixture<IvfPqFixture>
{
    private const int K = 10, Queries = 60;

    public static TheoryData<string, double, FilterStrategy> Cases()
    {
        var data = new TheoryData<string, double, FilterStrategy>();
        foreach (string kind in new[] { "hnsw", "ivf" })
            foreach (double density in new[] { 0.001, 0.01, 0.1, 0.5 })
                foreach (FilterStrategy strategy in Enum.GetValues<FilterStrategy>())
                    data.Add(kind, density, strategy);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Filtered_search_keeps_recall_and_never_returns_fewer_than_k(string kind, double density, FilterStrategy strategy)
    {
        (IVectorIndex index, VectorMatrix data, float[] all, VectorMetric metric) = kind == "hnsw"
            ? (hnsw.Index, hnsw.Data, hnsw.Queries, VectorMetric.Cosine)
            : (ivf.Index, ivf.Data, ivf.Queries, VectorMetric.L2);
        var random = new Random(17 + (int)(density * 1000));
        long[] allowedIds = Enumerable.Range(0, (int)data.Rows).Where(_ => random.NextDouble() < density).Select(i => (long)i).ToArray();
        RowFilter filter = RowFilter.FromIds(allowedIds, data.Rows);
        float[] queries = all.AsSpan(0, Queries * data.Dimension).ToArray();
        var ids = new long[Queries * K];
        var scores = new float[ids.Length];
        // The default beam and list count: the widening must reach the recall on its own.
        index.Search(queries, K, ids, scores, new IndexSearchOptions { Filter = filter, FilterStrategy = strategy });

        var allowed = allowedIds.ToHashSet();
        int wanted = Math.Min(K, allowedIds.Length);
        for (int q = 0; q < Queries; q++)
        {
            long[] row = ids.AsSpan(q * K, K).ToArray();
            Assert.Equal(wanted, row.Count(id => id >= 0));
            Assert.All(row.Where(id => id >= 0), id => Assert.Contains(id, allowed));
        }
        double recall = ClusteredVectors.Recall(ClusteredVectors.Truth(data, metric, queries, K, filter), ids, K);
        output.WriteLine($"{kind} {density:P1} ({allowedIds.Length} rows) {strategy}: recall@10 {recall:F4}");
        Assert.True(recall >= 0.95, $"{kind} at {density:P1} with {strategy}: recall@10 {recall:F4} < 0.95");
    }

    [Fact]
    public void Auto_scans_sparse_allow_lists_exactly_and_walks_dense_ones()
    {
        var index = (VectorIndexBase)hnsw.Index;
        long rows = HnswFixture.Rows;
        var options = new IndexSearchOptions();
        Assert.True(index.PlanFilter(rows / 1000, rows, K, options).Exact);
        Assert.True(index.PlanFilter(rows / 10, rows, K, options).Exact);
        (bool exact, IndexSearchOptions walk) = index.PlanFilter(rows / 2, rows, K, options);
        Assert.False(exact);
        Assert.Equal((int)Math.Ceiling(64 * Math.Sqrt(2)), walk.Ef);
        // The same density over a larger set walks: the exact scan grows with the rows, the walk does not.
        Assert.False(index.PlanFilter(10_000_000 / 10, 10_000_000, K, options).Exact);
        Assert.True(index.PlanFilter(rows / 2, rows, K, new IndexSearchOptions { FilterStrategy = FilterStrategy.Exact }).Exact);
        Assert.False(index.PlanFilter(rows / 1000, rows, K, new IndexSearchOptions { FilterStrategy = FilterStrategy.Walk }).Exact);
    }

    [Fact]
    public void The_public_plan_says_which_strategy_a_search_takes_and_with_what_beam()
    {
        long rows = HnswFixture.Rows;
        RowFilter Every(int step) => RowFilter.FromIds(Enumerable.Range(0, (int)rows).Where(i => i % step == 0).Select(i => (long)i), rows);
        Assert.Null(hnsw.Index.PlanFilter(K, new IndexSearchOptions()));

        FilterPlan sparse = hnsw.Index.PlanFilter(K, new IndexSearchOptions { Filter = Every(1000) })!;
        Assert.Equal(FilterStrategy.Exact, sparse.Strategy);
        Assert.Equal(rows / 1000, sparse.Allowed);
        Assert.Equal(rows, sparse.Indexed);
        Assert.Null(sparse.Ef);

        FilterPlan half = hnsw.Index.PlanFilter(K, new IndexSearchOptions { Filter = Every(2) })!;
        Assert.Equal(FilterStrategy.Walk, half.Strategy);
        Assert.Equal(0.5, half.Density, 6);
        Assert.Equal((int)Math.Ceiling(64 * Math.Sqrt(2)), half.Ef);
        Assert.Null(half.NProbe);

        // Forcing: the plan follows the option, whatever the density.
        Assert.Equal(FilterStrategy.Walk, hnsw.Index.PlanFilter(K, new IndexSearchOptions { Filter = Every(1000), FilterStrategy = FilterStrategy.Walk })!.Strategy);
        Assert.Equal(FilterStrategy.Exact, hnsw.Index.PlanFilter(K, new IndexSearchOptions { Filter = Every(2), FilterStrategy = FilterStrategy.Exact })!.Strategy);

        FilterPlan ivfPlan = ivf.Index.PlanFilter(K, new IndexSearchOptions { Filter = RowFilter.FromIds(Enumerable.Range(0, IvfPqFixture.Rows / 10).Select(i => (long)i * 10), IvfPqFixture.Rows), NProbe = 8, FilterStrategy = FilterStrategy.Walk })!;
        Assert.Equal(26, ivfPlan.NProbe);
        Assert.Null(ivfPlan.Ef);

        // An empty allow-list: nothing to walk, the answer is padding.
        FilterPlan none = hnsw.Index.PlanFilter(K, new IndexSearchOptions { Filter = RowFilter.FromIds([], rows), FilterStrategy = FilterStrategy.Walk })!;
        Assert.Equal(FilterStrategy.Exact, none.Strategy);
        Assert.Equal(0, none.Allowed);
        Assert.Throws<ArgumentException>(() => hnsw.Index.PlanFilter(K, new IndexSearchOptions { Filter = RowFilter.FromIds([1], rows + 1) }));
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(0.5, 1.4142)]
    [InlineData(0.1, 3.1623)]
    [InlineData(0.01, 4.0)]
    [InlineData(0.0, 4.0)]
    public void The_walk_widens_by_one_over_the_square_root_of_the_density_up_to_four(double density, double widening) =>
        Assert.Equal(widening, VectorIndexBase.Widening(density), 3);

    [Fact]
    public void The_ivf_walk_widens_nprobe_but_never_past_the_list_count()
    {
        var index = (VectorIndexBase)ivf.Index;
        var (_, walk) = index.PlanFilter(IvfPqFixture.Rows / 10, IvfPqFixture.Rows, K, new IndexSearchOptions { NProbe = 8, FilterStrategy = FilterStrategy.Walk });
        Assert.Equal(26, walk.NProbe);
        (_, walk) = index.PlanFilter(IvfPqFixture.Rows / 100, IvfPqFixture.Rows, K, new IndexSearchOptions { NProbe = 60, FilterStrategy = FilterStrategy.Walk });
        Assert.Equal(64, walk.NProbe);
    }

    [Fact]
    public void An_allow_list_naming_rows_past_the_end_or_made_for_another_set_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RowFilter.FromIds([HnswFixture.Rows], HnswFixture.Rows));
        var bits = new ulong[(HnswFixture.Rows + 63) / 64];
        bits[^1] = ulong.MaxValue;
        Assert.Contains("past row", Assert.Throws<ArgumentException>(() => RowFilter.FromBitmap(bits, HnswFixture.Rows)).Message);
        RowFilter other = RowFilter.FromIds([1, 2, 3], HnswFixture.Rows + 1);
        var e = Assert.Throws<ArgumentException>(() => hnsw.Index.Search(hnsw.Queries.AsSpan(0, HnswFixture.Dimension), K, new long[K], new float[K], new IndexSearchOptions { Filter = other }));
        Assert.Contains($"the vector set has {HnswFixture.Rows}", e.Message);
    }

    [Theory]
    [InlineData(FilterStrategy.Auto)]
    [InlineData(FilterStrategy.Walk)]
    [InlineData(FilterStrategy.Exact)]
    public void An_empty_allow_list_gives_padding_with_every_strategy(FilterStrategy strategy)
    {
        RowFilter empty = RowFilter.FromIds([], IvfPqFixture.Rows);
        var ids = new long[2 * K];
        var scores = new float[ids.Length];
        ivf.Index.Search(ivf.Queries.AsSpan(0, 2 * IvfPqFixture.Dimension), K, ids, scores, new IndexSearchOptions { Filter = empty, FilterStrategy = strategy });
        Assert.All(ids, id => Assert.Equal(-1, id));
        Assert.All(scores, s => Assert.True(float.IsNaN(s)));
    }
}
