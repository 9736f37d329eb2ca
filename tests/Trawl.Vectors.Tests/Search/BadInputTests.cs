using Trawl.Vectors.Search;

namespace Trawl.Vectors.Tests.Search;

public sealed class BadInputTests
{
    private static readonly ExactSearch Small = ExactSearch.Create(VectorMatrix.FromFloat32([1, 2, 3, 4, 5, 6], 3), VectorMetric.Cosine);

    [Fact]
    public void Query_of_the_wrong_dimension_is_rejected_with_both_dimensions_named()
    {
        var error = Assert.Throws<ArgumentException>(() => Small.Search([1f, 2f], 1));
        Assert.Contains("2 components", error.Message);
        Assert.Contains("3", error.Message);
        Assert.Throws<ArgumentException>(() => Small.SearchBatch([1f, 2f, 3f, 4f], 1));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Query_with_a_non_finite_component_is_rejected(float bad)
    {
        var error = Assert.Throws<ArgumentException>(() => Small.Search([1f, bad, 3f], 1));
        Assert.Contains("component 1", error.Message);
        Assert.Throws<ArgumentException>(() => Small.SearchBatch([1f, 2f, 3f, 1f, 1f, bad], 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void K_below_one_is_rejected(int k)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Small.Search([1f, 2f, 3f], k));
        Assert.Throws<ArgumentOutOfRangeException>(() => Small.SearchBatch([1f, 2f, 3f], k));
    }

    [Fact]
    public void Empty_set_returns_no_results()
    {
        var search = ExactSearch.Create(VectorMatrix.FromFloat32([], 3), VectorMetric.L2);
        Assert.Equal(0, search.Search([1f, 2f, 3f], 5).Count);
        Assert.Equal(0, search.SearchBatch([1f, 2f, 3f, 4f, 5f, 6f], 5)[1].Count);
    }

    [Fact]
    public void Zero_query_is_rejected_for_cosine()
    {
        Assert.Throws<ArgumentException>(() => Small.Search([0f, 0f, 0f], 1));
    }

    [Fact]
    public void Allow_list_of_the_wrong_length_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => RowFilter.FromBitmap(new ulong[2], 10));
        Assert.Throws<ArgumentException>(() => RowFilter.FromBitmap([1UL << 12], 10));
        var otherSet = RowFilter.FromBitmap([1UL], 5);
        var error = Assert.Throws<ArgumentException>(() => Small.Search([1f, 2f, 3f], 1, new SearchOptions { Filter = otherSet }));
        Assert.Contains("5 rows", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => RowFilter.FromIds([10L], 10));
    }

    [Fact]
    public void Query_type_that_does_not_fit_the_set_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Small.Search(new sbyte[] { 1, 2, 3 }, 1));
        Assert.Throws<ArgumentException>(() => Small.Search(new ulong[] { 1 }, 1));
        Assert.Throws<ArgumentException>(() => ExactSearch.Create(VectorMatrix.FromBits([1UL], 64), VectorMetric.Cosine));
        Assert.Throws<ArgumentException>(() => ExactSearch.Create(VectorMatrix.FromFloat32([1f], 1), VectorMetric.Hamming));
    }

    [Fact]
    public void Data_length_that_is_not_whole_rows_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => VectorMatrix.FromFloat32([1f, 2f, 3f, 4f], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => VectorMatrix.FromFloat32([1f], 0));
    }

    [Fact]
    public void Rows_with_nan_components_are_never_returned()
    {
        var search = ExactSearch.Create(VectorMatrix.FromFloat32([1, 1, float.NaN, 1, 2, 2], 2), VectorMetric.InnerProduct);
        Assert.Equal(new long[] { 2, 0 }, search.Search([1f, 1f], 3).Ids);
    }

    [Fact]
    public void Options_out_of_range_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ExactSearch.Create(VectorMatrix.FromFloat32([1f], 1), VectorMetric.L2, new ExactSearchOptions { Threads = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Small.Search([1f, 2f, 3f], 1, new SearchOptions { DeduplicateAboveCosine = 1.5f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Small.Search([1f, 2f, 3f], 1, new SearchOptions { DeduplicateAboveCosine = 0.9f, DeduplicationCandidateFactor = 0 }));
        Assert.Throws<ArgumentException>(() => ExactSearch.Create(VectorMatrix.FromBits([1UL], 64), VectorMetric.Hamming)
            .Search(new ulong[] { 1 }, 1, new SearchOptions { DeduplicateAboveCosine = 0.9f }));
    }

    [Fact]
    public void Bit_query_of_the_wrong_word_count_is_rejected()
    {
        var search = ExactSearch.Create(VectorMatrix.FromBits(new ulong[4], 128), VectorMetric.Hamming);
        Assert.Contains("128-bit", Assert.Throws<ArgumentException>(() => search.Search(new ulong[] { 1 }, 1)).Message);
    }
}
