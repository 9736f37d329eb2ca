using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Queries;

public sealed class LargeSearchOrderTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly GeneratedRows _rows = new(1500, seed: 3);
    private readonly Trawl.Store.Datasets.Dataset _ds;

    public LargeSearchOrderTests()
    {
        string csv = CsvFile.Write(_temp.File("items.csv"), GeneratedRows.Header, _rows.Rows);
        Trawl.Store.Ingest.DatasetIngest.Run(_temp.Dataset(), new Trawl.Store.Ingest.IngestRequest { Sources = [csv] });
        // Any search with more than 20 matches is then ordered by rowid, as a common word is in a big table, when
        // SQLite answers alone (without column files; with them every search is ranked, see RankedSearchOracleTests).
        _ds = Trawl.Store.Datasets.Dataset.Open(_temp.Dataset());
        _ds.RankLimit = 20;
        _ds.UseColumnFiles = false;
    }

    public void Dispose()
    {
        _ds.Dispose();
        _temp.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Searches_with_many_matches_page_in_rowid_order_through_every_match(bool withFilter)
    {
        var filters = withFilter ? new[] { new ColumnFilter("category", FilterOp.In, "alpha,beta,gamma") } : [];
        var expected = _rows.Rows.Select((r, i) => (r, i))
            .Where(x => GeneratedRows.HasWord((string)x.r[1]!, "cat") && (!withFilter || (string?)x.r[2] is "alpha" or "beta" or "gamma"))
            .Select(x => (long)x.i).ToList();
        Assert.True(expected.Count > 20);
        var seen = new List<long>();
        string? next = null;
        do
        {
            var page = _ds.QueryRows(new TableQuery { Table = "items", Search = "cat", Filters = filters, Size = 29, Next = next });
            Assert.Equal(expected.Count, page.Count);
            seen.AddRange(page.Rows.Select(r => (long)r[0]!));
            next = page.Next;
        } while (next is not null);
        Assert.Equal(expected, seen);
        Assert.Equal(expected, _ds.StreamRows(new TableQuery { Table = "items", Search = "cat", Filters = filters }, out _).Select(r => (long)r[0]!));
    }

    [Fact]
    public void Searches_with_few_matches_are_ranked_and_filters_apply()
    {
        var filters = new[] { new ColumnFilter("category", FilterOp.Exact, "alpha") };
        long expected = _rows.Rows.Count(r => GeneratedRows.HasWord((string)r[1]!, "Dwayne") && (string?)r[2] == "alpha");
        var page = _ds.QueryRows(new TableQuery { Table = "items", Search = "Dwayne", Filters = filters, Size = 5 });
        Assert.Equal(expected, page.Count);
        var all = _ds.StreamRows(new TableQuery { Table = "items", Search = "Dwayne", Filters = filters }, out _).ToList();
        Assert.Equal(expected, all.Count);
        Assert.All(all, r => Assert.Equal("alpha", r[3]));
    }
}
