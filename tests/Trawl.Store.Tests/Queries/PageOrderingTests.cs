using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Queries;

/// <summary>A page says how its rows are ordered, including when a search has too many matches to rank.</summary>
public sealed class PageOrderingTests(GeneratedDataset data) : IClassFixture<GeneratedDataset>
{
    [Fact]
    public void Each_kind_of_page_reports_its_ordering()
    {
        var ds = data.Dataset;
        Assert.Equal(PageOrdering.RowId, ds.QueryRows(new TableQuery { Table = "items" }).Ordering);
        Assert.Equal(PageOrdering.Column, ds.QueryRows(new TableQuery { Table = "items", Sort = "score" }).Ordering);
        Assert.Equal(PageOrdering.Relevance, ds.QueryRows(new TableQuery { Table = "items", Search = "guitar" }).Ordering);
        Assert.Equal(PageOrdering.Column, ds.QueryRows(new TableQuery { Table = "items", Search = "guitar", Sort = "score" }).Ordering);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_search_with_more_matches_than_the_rank_limit_is_ranked_by_the_column_files_else_says_it_is_not(bool columnFiles)
    {
        var ds = data.Dataset;
        int before = ds.RankLimit;
        ds.RankLimit = 10;
        ds.UseColumnFiles = columnFiles;
        try
        {
            var page = ds.QueryRows(new TableQuery { Table = "items", Search = "guitar" });
            // The ranking files rank any number of matches; SQLite alone stops at the limit and says so.
            Assert.Equal(columnFiles ? PageOrdering.Relevance : PageOrdering.RowIdUnranked, page.Ordering);
            Assert.Equal(10, page.RankLimit);
        }
        finally
        {
            ds.RankLimit = before;
            ds.UseColumnFiles = true;
        }
    }
}
