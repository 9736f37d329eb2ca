using Trawl.Vectors.Duplicates;
using Trawl.Vectors.Indexes;
using Trawl.Vectors.Kernels;

namespace Trawl.Vectors.Tests.Duplicates;

public class SimilarityJoinTests
{
    private const int Dim = 48;

    public static IEnumerable<object[]> LevelsAndTypes() =>
        from level in TestData.Levels()
        from half in new[] { false, true }
        select new object[] { level, half };

    [Theory]
    [MemberData(nameof(LevelsAndTypes))]
    public void Exact_join_finds_the_same_pairs_as_a_naive_double_loop(SimdLevel level, bool half)
    {
        // 601 rows: blocks of 64 and 256 rows end mid-group of 4.
        var data = PlantedDuplicates.Generate(seed: 5, rows: 601, Dim, copyFraction: 0.2);
        if (half) data = TestData.ToHalves(data).Select(h => (float)h).ToArray();
        var matrix = half ? VectorMatrix.FromFloat16(TestData.ToHalves(data), Dim) : VectorMatrix.FromFloat32(data, Dim);
        var norms = RowNorms.InverseNorms(matrix, out long bad)!;
        Assert.Equal(-1, bad);
        var join = new ExactSimilarityJoin(matrix, norms, 0.9f, level);
        var pairs = join.Run(0, matrix.Rows, maxPerRow: 1000);
        var expected = PlantedDuplicates.NaivePairs(data, Dim, 0.9);
        Assert.True(expected.Count > 50, $"only {expected.Count} planted pairs");
        // Pairs right at the threshold may fall either side in float32; none is that close here.
        Assert.Equal(expected.OrderBy(p => p).ToList(), pairs.Select(p => (p.First, p.Second)).ToList());
        Assert.All(pairs, p => Assert.InRange(p.Similarity, 0.9f, 1.0001f));
    }

    [Fact]
    public void Exact_join_over_a_row_range_gives_that_range_of_the_whole_result()
    {
        var data = PlantedDuplicates.Generate(seed: 6, rows: 400, Dim, copyFraction: 0.3);
        var matrix = VectorMatrix.FromFloat32(data, Dim);
        var join = new ExactSimilarityJoin(matrix, RowNorms.InverseNorms(matrix, out _), 0.9f);
        var all = join.Run(0, 400, 1000);
        var parts = join.Run(0, 130, 1000).Concat(join.Run(130, 400, 1000)).ToList();
        Assert.Equal(all, parts);
        var capped = join.Run(0, 400, 1);
        Assert.True(capped.GroupBy(p => p.First).All(g => g.Count() == 1));
    }

    [Fact]
    public void Row_norms_name_the_first_row_with_a_NaN()
    {
        var data = PlantedDuplicates.Generate(seed: 7, rows: 50, Dim, copyFraction: 0);
        data[17 * Dim + 5] = float.NaN;
        data[30 * Dim] = float.PositiveInfinity;
        Assert.Null(RowNorms.InverseNorms(VectorMatrix.FromFloat32(data, Dim), out long bad));
        Assert.Equal(17, bad);
    }

    [Fact]
    public void Index_candidates_rechecked_exactly_find_nearly_all_pairs_and_no_false_ones()
    {
        var data = PlantedDuplicates.Generate(seed: 8, rows: 3000, Dim, copyFraction: 0.1);
        var matrix = VectorMatrix.FromFloat32(data, Dim);
        var norms = RowNorms.InverseNorms(matrix, out _);
        var exact = new ExactSimilarityJoin(matrix, norms, 0.9f);
        var truth = exact.Run(0, matrix.Rows, 1000).Select(p => (p.First, p.Second)).ToHashSet();
        using var index = VectorIndexFactory.Create("HNSW16", matrix, VectorMetric.Cosine, new IndexBuildOptions { Seed = 1, EfConstruction = 80 });
        index.Build();
        var found = new IndexCandidateJoin(index, exact, 0.9f, candidates: 16).Run(0, matrix.Rows, 1000);
        IndexCandidateJoin.SortUnique(found);
        var set = found.Select(p => (p.First, p.Second)).ToHashSet();
        Assert.Equal(found.Count, set.Count);
        Assert.Subset(truth, set);
        double recall = (double)set.Count / truth.Count;
        Assert.True(recall >= 0.95, $"recall {recall:F3} of {truth.Count} pairs");
    }
}
