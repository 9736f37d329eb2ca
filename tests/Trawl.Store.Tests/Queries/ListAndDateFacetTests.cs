using System.Globalization;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Sql;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Queries;

/// <summary>Array and date facets, the array/date filters, column searches, time limits and snippets: the column
/// files and SQL give the same answers, and both equal counts made here from the generated rows.</summary>
public sealed class ListAndDateFacetTests : IClassFixture<ListAndDateFacetTests.Data>
{
    private readonly Data _data;

    public ListAndDateFacetTests(Data data) => _data = data;

    public sealed class Data : IDisposable
    {
        public static readonly string[] Aspects = ["amateur recording", "e-guitar", "men's voice", "children's song", "low quality", "piano"];

        public Data()
        {
            var rng = new Random(5);
            var rows = new List<object?[]>();
            for (int i = 0; i < 2000; i++)
            {
                var items = Aspects.Where(_ => rng.Next(3) == 0).ToList();
                string? aspects = (i % 10) switch
                {
                    0 => null,
                    1 => "not a list",
                    2 => "[" + string.Join(", ", items.Select(a => "\"" + a + "\"")) + "]", // JSON
                    _ => "[" + string.Join(", ", items.Select(a => a.Contains('\'') ? "\"" + a + "\"" : "'" + a + "'")) + "]", // Python
                };
                var day = new DateTime(2023, 1, 1).AddDays(rng.Next(40));
                string? taken = (i % 7) switch
                {
                    0 => null,
                    1 => day.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    2 => day.ToString("yyyy-MM-ddTHH:mmZ", CultureInfo.InvariantCulture),
                    _ => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                };
                string caption = (i % 3 == 0 ? "red piano " : "blue guitar ") + (i % 5 == 0 ? "song" : "tune");
                string title = i % 4 == 0 ? "red title" : "plain title";
                rows.Add([aspects, taken, caption, title, (long)i]);
                Rows.Add((aspects, taken, caption, title, i));
            }
            string csv = CsvFile.Write(Temp.File("rows.csv"), ["aspects", "taken", "caption", "title", "n"], rows);
            DatasetIngest.Run(Temp.Dataset(), new IngestRequest { Sources = [csv], Table = "clips", SearchColumns = ["caption", "title"] });
            Dataset = Dataset.Open(Temp.Dataset());
        }

        public List<(string? Aspects, string? Taken, string Caption, string Title, int N)> Rows { get; } = [];
        public TempDir Temp { get; } = new();
        public Dataset Dataset { get; }

        public void Dispose()
        {
            Dataset.Dispose();
            Temp.Dispose();
        }
    }

    private static TableQuery Query(params ColumnFilter[] filters) => new() { Table = "clips", Filters = filters };

    private (FacetResult Fast, FacetResult Slow) Both(Func<Dataset, FacetResult> run)
    {
        var ds = _data.Dataset;
        var fast = run(ds);
        ds.UseColumnFiles = false;
        try
        {
            return (fast, run(ds));
        }
        finally
        {
            ds.UseColumnFiles = true;
        }
    }

    private static string Describe(FacetResult f) => string.Join(";", f.Values.Select(v => $"{v.Value}={v.Count}")) + (f.Truncated ? " +" : "");

    [Fact]
    public void Array_facet_counts_list_elements_of_JSON_arrays_and_Python_lists_with_apostrophes()
    {
        var expected = _data.Rows.Where(r => r.N % 10 >= 2)
            .SelectMany(r => Data.Aspects.Where(a => r.Aspects!.Contains("'" + a + "'") || r.Aspects.Contains("\"" + a + "\"")))
            .GroupBy(a => a).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}");
        var (fast, slow) = Both(ds => ds.Facet(Query(), "aspects", FacetKind.Array, 30));
        Assert.Equal(string.Join(";", expected), Describe(fast));
        Assert.Equal(Describe(slow), Describe(fast));
        Assert.Contains(fast.Values, v => (string)v.Value! == "children's song");
    }

    [Fact]
    public void Array_facet_over_a_search_and_filter_agrees_and_truncates()
    {
        var q = Query(new ColumnFilter("n", FilterOp.Lt, "900")) with { Search = "piano" };
        var (fast, slow) = Both(ds => ds.Facet(q, "aspects", FacetKind.Array, 3));
        Assert.Equal(Describe(slow), Describe(fast));
        Assert.Equal(3, fast.Values.Count);
        Assert.True(fast.Truncated);
    }

    [Fact]
    public void Date_facet_counts_days_of_dates_and_times()
    {
        var expected = _data.Rows.Where(r => r.Taken is not null).GroupBy(r => r.Taken![..10])
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(30).Select(g => $"{g.Key}={g.Count()}");
        var (fast, slow) = Both(ds => ds.Facet(Query(), "taken", FacetKind.Date, 30));
        Assert.Equal(string.Join(";", expected) + " +", Describe(fast));
        Assert.Equal(Describe(slow), Describe(fast));
    }

    [Theory]
    [InlineData("aspects", FilterOp.ArrayContains, "men's voice")]
    [InlineData("aspects", FilterOp.ArrayNotContains, "piano")]
    [InlineData("taken", FilterOp.Date, "2023-01-05")]
    public void Array_and_date_filters_agree_with_the_rows(string column, FilterOp op, string value)
    {
        var ds = _data.Dataset;
        var q = Query(new ColumnFilter(column, op, value));
        bool Matches((string? Aspects, string? Taken, string Caption, string Title, int N) r) => op switch
        {
            FilterOp.ArrayContains => ArrayText.Contains(r.Aspects, value),
            FilterOp.ArrayNotContains => !ArrayText.Contains(r.Aspects, value),
            _ => r.Taken is not null && r.Taken[..10] == value,
        };
        long expected = _data.Rows.Count(Matches);
        Assert.True(expected > 0);
        long before = ds.ColumnarAnswers;
        Assert.Equal(expected, ds.CountRows(q));
        Assert.True(ds.ColumnarAnswers > before, "the column files should answer this filter");
        ds.UseColumnFiles = false;
        try
        {
            Assert.Equal(expected, ds.CountRows(q));
        }
        finally
        {
            ds.UseColumnFiles = true;
        }
    }

    [Fact]
    public void Like_glob_and_column_search_match_what_they_say()
    {
        var ds = _data.Dataset;
        Assert.Equal(_data.Rows.Count(r => r.Caption.EndsWith("song", StringComparison.Ordinal)), ds.CountRows(Query(new ColumnFilter("caption", FilterOp.Like, "%SONG"))));
        Assert.Equal(_data.Rows.Count(r => r.Caption.StartsWith("red", StringComparison.Ordinal)), ds.CountRows(Query(new ColumnFilter("caption", FilterOp.Glob, "red*"))));
        Assert.Equal(0, ds.CountRows(Query(new ColumnFilter("caption", FilterOp.Glob, "RED*"))));
        // "red" is in both search columns; the column search takes only the title's.
        var title = new TableQuery { Table = "clips", ColumnSearches = [new ColumnSearch("title", "red")] };
        Assert.Equal(_data.Rows.Count(r => r.Title.Contains("red", StringComparison.Ordinal)), ds.CountRows(title));
        var both = title with { Search = "piano" };
        Assert.Equal(_data.Rows.Count(r => r.Title.Contains("red", StringComparison.Ordinal) && r.Caption.Contains("piano", StringComparison.Ordinal)), ds.CountRows(both));
        var e = Assert.Throws<UserErrorException>(() => ds.CountRows(new TableQuery { Table = "clips", ColumnSearches = [new ColumnSearch("aspects", "x")] }));
        Assert.Contains("not a search column", e.Message);
    }

    [Fact]
    public void Where_with_a_time_limit_stops_a_slow_condition()
    {
        var ds = _data.Dataset;
        // A recursive CTE that counts to a billion for every row: far past 200 ms.
        var q = new TableQuery
        {
            Table = "clips",
            Where = "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c) > 0",
            TimeLimit = TimeSpan.FromMilliseconds(200),
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Throws<SqlTimeoutException>(() => ds.QueryRows(q));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"stopped after {clock.Elapsed}");
        Assert.Equal(_data.Rows.Count(r => r.N < 10), ds.CountRows(new TableQuery { Table = "clips", Where = "n < 10", TimeLimit = TimeSpan.FromSeconds(5) }));
    }

    [Fact]
    public void Snippets_mark_the_matched_words_in_each_search_column()
    {
        var ds = _data.Dataset;
        var q = new TableQuery { Table = "clips", Search = "red" };
        var page = ds.QueryRows(q with { Size = 5 });
        var snippets = ds.SearchSnippets(q, page.Rows.Select(r => (long)r[0]!).ToList());
        Assert.Equal(page.Rows.Count, snippets.Count);
        foreach (var texts in snippets.Values)
        {
            Assert.Equal(2, texts.Count);
            Assert.Contains($"{Snippets.MatchStart}red{Snippets.MatchEnd}", string.Concat(texts));
        }
        Assert.Empty(ds.SearchSnippets(new TableQuery { Table = "clips" }, [0, 1]));
    }

    [Fact]
    public void Suggestions_for_the_current_rows_include_array_and_date_facets()
    {
        var ds = _data.Dataset;
        var all = ds.SuggestFacets(new TableQuery { Table = "clips" }, TimeSpan.FromSeconds(5));
        Assert.Contains(new SuggestedFacet("taken", FacetKind.Date), all);
        Assert.DoesNotContain(new SuggestedFacet("aspects", FacetKind.Array), all); // "not a list" cells are there
        var lists = ds.SuggestFacets(Query(new ColumnFilter("aspects", FilterOp.NotContains, "not a")), TimeSpan.FromSeconds(5));
        Assert.Contains(new SuggestedFacet("aspects", FacetKind.Array), lists);
        Assert.DoesNotContain(lists, s => s.Column is "caption" or "title");
    }

    [Fact]
    public void Described_SQL_runs_and_returns_the_page()
    {
        var ds = _data.Dataset;
        var q = Query(new ColumnFilter("aspects", FilterOp.ArrayContains, "men's voice"), new ColumnFilter("n", FilterOp.Gt, "10")) with
        {
            Search = "piano \"red\"",
            Sort = "n",
            SortDescending = true,
            Size = 20,
        };
        string sql = ds.DescribeSql(q)!;
        Assert.Contains("'men''s voice'", sql);
        var viaSql = ds.ExecuteSql(sql, new SqlOptions { MaxRows = 100 });
        var page = ds.QueryRows(q, count: false);
        Assert.Equal(page.Rows.Select(r => r[0]), viaSql.Rows.Select(r => r[0]));
    }
}
