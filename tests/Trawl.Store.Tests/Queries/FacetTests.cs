using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Queries;

public sealed class FacetTests(GeneratedDataset data) : IClassFixture<GeneratedDataset>
{
    [Fact]
    public void Facet_over_the_whole_table_counts_each_value_most_common_first()
    {
        var facet = data.Dataset.Facet(new TableQuery { Table = "items" }, "category");
        var expected = data.Rows.Rows.GroupBy(r => (string?)r[2]).Select(g => (g.Key, (long)g.Count()))
            .OrderByDescending(x => x.Item2).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, facet.Values.Select(v => ((string?)v.Value, v.Count)));
        Assert.False(facet.Truncated);
        Assert.Equal("category", facet.Column);
    }

    [Fact]
    public void Facet_over_a_search_counts_only_matching_rows()
    {
        var facet = data.Dataset.Facet(new TableQuery { Table = "items", Search = "guitar" }, "category");
        var expected = data.Rows.Rows.Where(r => GeneratedRows.HasWord((string)r[1]!, "guitar"))
            .GroupBy(r => (string?)r[2]).ToDictionary(g => g.Key ?? "<null>", g => (long)g.Count());
        Assert.Equal(expected.OrderBy(x => x.Key), facet.Values.ToDictionary(v => (string?)v.Value ?? "<null>", v => v.Count).OrderBy(x => x.Key));
    }

    [Fact]
    public void Facet_with_many_values_is_truncated_at_the_limit()
    {
        var facet = data.Dataset.Facet(new TableQuery { Table = "items" }, "score", limit: 10);
        Assert.Equal(10, facet.Values.Count);
        Assert.True(facet.Truncated);
        var counts = data.Rows.Rows.GroupBy(r => r[3]).Select(g => (long)g.Count()).OrderDescending().Take(10).ToList();
        Assert.Equal(counts, facet.Values.Select(v => v.Count));
    }

    [Fact]
    public void Suggested_facets_are_columns_with_few_distinct_values()
    {
        var suggested = data.Dataset.SuggestFacets("items");
        Assert.Equal(["category"], suggested);
    }

    [Fact]
    public void Histogram_bins_numeric_values_and_counts_nulls()
    {
        var h = data.Dataset.Histogram(new TableQuery { Table = "items" }, "score", bins: 10);
        var scores = data.Rows.Rows.Where(r => r[3] is not null).Select(r => (long)r[3]!).ToList();
        Assert.Equal(scores.Min(), h.Min);
        Assert.Equal(scores.Max(), h.Max);
        Assert.Equal(data.Rows.Rows.Count(r => r[3] is null), h.NullCount);
        Assert.Equal(10, h.Bins.Count);
        Assert.Equal(scores.Count, h.Bins.Sum(b => b.Count));
        double width = (double)(scores.Max() - scores.Min()) / 10;
        for (int i = 0; i < 10; i++)
        {
            long expected = scores.Count(s => Math.Min((int)((s - scores.Min()) / width), 9) == i);
            Assert.Equal(expected, h.Bins[i].Count);
        }
        Assert.Throws<UserErrorException>(() => data.Dataset.Histogram(new TableQuery { Table = "items" }, "caption"));
    }

    [Fact]
    public void Histogram_of_a_search_with_no_matches_is_empty()
    {
        var h = data.Dataset.Histogram(new TableQuery { Table = "items", Search = "zzzznothing" }, "rating");
        Assert.Empty(h.Bins);
        Assert.Null(h.Min);
    }
}
