using Trawl.Store;
using Trawl.Store.Contracts;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;
using Trawl.Store.VectorSets;

namespace Trawl.Testing.StoreContracts;

/// <summary>
/// The read contracts' behaviour, checked against <see cref="ContractData"/>'s plain answers. A backend is tested by
/// deriving one class that hands over an <see cref="IDatasetSource"/> holding <see cref="ContractData.Instance"/>
/// (usually from a class fixture that loads it once). Everything here goes through the contract only.
/// </summary>
public abstract class DatasetSourceContractTests
{
    /// <summary>The backend under test, loaded with <see cref="ContractData.Instance"/>.</summary>
    protected abstract IDatasetSource Source { get; }

    protected static ContractData Data => ContractData.Instance;

    private const string T = ContractData.Table;

    /// <summary>Filters with their meaning, numbered for theories.</summary>
    public static readonly (ColumnFilter[] Filters, Func<ContractData.Row, bool> Oracle)[] FilterCases =
    [
        ([new("category", FilterOp.Exact, "nature")], r => r.Category == "nature"),
        ([new("category", FilterOp.Not, "art")], r => r.Category != "art"),
        ([new("width", FilterOp.Gt, "1500")], r => r.Width > 1500),
        ([new("width", FilterOp.Lte, "300")], r => r.Width <= 300),
        ([new("score", FilterOp.Lt, "0.5")], r => r.Score < 0.5),
        ([new("score", FilterOp.Gte, "7")], r => r.Score >= 7),
        ([new("width", FilterOp.IsNull, "1")], r => r.Width is null),
        ([new("score", FilterOp.IsNull, "0")], r => r.Score is not null),
        ([new("category", FilterOp.In, "cars,people")], r => r.Category is "cars" or "people"),
        ([new("width", FilterOp.In, "[150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160]")], r => r.Width is >= 150 and <= 160),
        ([new("caption", FilterOp.Contains, "sun")], r => r.Caption.Contains("sun", StringComparison.Ordinal)),
        ([new("caption", FilterOp.StartsWith, "cat ")], r => r.Caption.StartsWith("cat ", StringComparison.Ordinal)),
        ([new("category", FilterOp.Exact, "animals"), new("width", FilterOp.Gte, "1000")], r => r.Category == "animals" && r.Width >= 1000),
        ([new("caption", FilterOp.Contains, "'Br")], r => r.Caption.Contains("'Br", StringComparison.Ordinal)),
        ([new("caption", FilterOp.Contains, "東京")], r => r.Caption.Contains("東京", StringComparison.Ordinal)),
        ([new("caption", FilterOp.Contains, "\"quoted\"")], r => r.Caption.Contains("\"quoted\"", StringComparison.Ordinal)),
        ([new("category", FilterOp.Exact, "no such value")], _ => false),
    ];

    public static IEnumerable<object[]> FilterCaseNumbers() => Enumerable.Range(0, FilterCases.Length).Select(i => new object[] { i });

    public static readonly string[] Searches = ["cat", "sunset beach", "\"red car\"", "CITY night", "red \"cat dog\"", "zebra"];

    public static IEnumerable<object[]> SearchNumbers() => Enumerable.Range(0, Searches.Length).Select(i => new object[] { i });

    private static long[] Positions(IEnumerable<ContractData.Row> rows) => rows.Select(r => r.Position).ToArray();

    private static long[] Positions(IEnumerable<object?[]> rows) => rows.Select(r => Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Every matching row through the pages of <paramref name="query"/>, with the count the first page gave.</summary>
    private (long[] Positions, long? Count, int Pages) AllPages(TableQuery query)
    {
        var ids = new List<long>();
        long? count = null;
        int pages = 0;
        string? next = null;
        do
        {
            var page = Source.QueryRows(query with { Next = next }, count: pages == 0);
            Assert.Equal("rowid", page.Columns[0]);
            if (pages == 0)
                count = page.Count;
            ids.AddRange(Positions(page.Rows));
            next = page.Next;
            pages++;
            Assert.True(pages <= ContractData.Count + 1, "paging does not end");
        }
        while (next is not null);
        return (ids.ToArray(), count, pages);
    }

    [SkippableFact]
    public void Schema_lists_the_table_with_typed_columns()
    {
        var table = Assert.Single(Source.ListTables(), t => t.Name == T);
        Assert.Equal(ContractData.Count, table.RowCount);
        Assert.Equal(ContractData.Header, table.Columns.Select(c => c.Name));
        Assert.Equal([SqlType.Text, SqlType.Text, SqlType.Integer, SqlType.Real], table.Columns.Select(c => c.SqlType));
        Assert.Contains(ContractData.SearchColumn, table.SearchColumns);
        Assert.Equal(T, Source.GetTable("ITEMS").Name);
        Assert.Contains("no table 'nope'", Assert.Throws<UserErrorException>(() => Source.GetTable("nope")).Message);
        Assert.False(string.IsNullOrEmpty(Source.Name));
        Assert.False(string.IsNullOrEmpty(Source.Capabilities.Backend));
    }

    [SkippableTheory]
    [MemberData(nameof(FilterCaseNumbers))]
    public void Filters_match_the_oracle_in_rows_counts_streams_and_row_sets(int number)
    {
        var (filters, oracle) = FilterCases[number];
        var query = new TableQuery { Table = T, Filters = filters, Size = 1000 };
        long[] expected = Positions(Data.Rows.Where(oracle));
        Assert.True(expected.Length > 0 || number == FilterCases.Length - 1, "every case but the last selects some rows");
        var (ids, count, _) = AllPages(query);
        Assert.Equal(expected, ids);
        Assert.Equal(expected.Length, count);
        Assert.Equal(expected.Length, Source.CountRows(query));
        Assert.Equal(expected, Positions(Source.StreamRows(query, out var columns)));
        Assert.Equal(["rowid", .. ContractData.Header], columns);
        var set = Source.MatchingRows(query, ContractData.Count);
        Assert.NotNull(set);
        Assert.Equal(expected, set.Positions());
        Assert.Equal(expected.Length, set.Count);
    }

    [SkippableFact]
    public void A_query_without_search_or_filters_matches_every_row()
    {
        var all = new TableQuery { Table = T };
        Assert.Null(Source.MatchingRows(all, ContractData.Count));
        Assert.Equal(ContractData.Count, Source.CountRows(all));
    }

    [SkippableTheory]
    [InlineData(null, false, 100)]
    [InlineData(null, true, 77)]
    [InlineData("width", false, 37)]
    [InlineData("width", true, 37)]
    [InlineData("score", false, 50)]
    [InlineData("score", true, 1000)]
    [InlineData("category", false, 64)]
    [InlineData("caption", true, 90)]
    public void Pages_follow_the_sort_with_nulls_first_ascending_and_visit_every_row_once(string? sort, bool descending, int size)
    {
        var query = new TableQuery { Table = T, Sort = sort, SortDescending = descending, Size = size };
        var (ids, count, pages) = AllPages(query);
        Assert.Equal(Positions(ContractData.Ordered(Data.Rows, sort, descending)), ids);
        Assert.Equal(ContractData.Count, count);
        Assert.Equal((ContractData.Count + size - 1) / size, pages);
    }

    [SkippableFact]
    public void Pages_of_a_filtered_sorted_query_match_the_oracle()
    {
        var query = new TableQuery { Table = T, Filters = [new("score", FilterOp.IsNull, "0")], Sort = "score", SortDescending = true, Size = 23 };
        Assert.Equal(Positions(ContractData.Ordered(Data.Rows.Where(r => r.Score is not null), "score", true)), AllPages(query).Positions);
    }

    [SkippableTheory]
    [MemberData(nameof(SearchNumbers))]
    public void Search_matches_rows_holding_every_word_and_phrase(int number)
    {
        string search = Searches[number];
        var expected = Positions(Data.Rows.Where(r => ContractData.MatchesSearch(r, search)));
        var query = new TableQuery { Table = T, Search = search, Size = 1000 };
        Assert.True(expected.Length > 0 == (search != "zebra"), "every search but 'zebra' finds rows");
        // Without a sort the order is the backend's (relevance); the set is the contract.
        var (ids, count, _) = AllPages(query);
        Assert.Equal(expected, ids.Order());
        Assert.Equal(expected.Length, count);
        Assert.Equal(expected.Length, Source.CountRows(query));
        var set = Source.MatchingRows(query, ContractData.Count);
        Assert.Equal(expected, set!.Positions());
        // With a sort the order is the sort's.
        var sorted = AllPages(query with { Sort = "width", Size = 13 });
        Assert.Equal(Positions(ContractData.Ordered(Data.Rows.Where(r => ContractData.MatchesSearch(r, search)), "width", false)), sorted.Positions);
    }

    [SkippableTheory]
    [MemberData(nameof(SearchNumbers))]
    public void A_search_streams_in_the_order_of_its_pages_by_relevance(int number)
    {
        // The data's searches match far fewer rows than ITableSource.StreamRankLimit, so exports come ranked.
        var query = new TableQuery { Table = T, Search = Searches[number], Size = 37 };
        var first = Source.QueryRows(query, count: false);
        if (first.Rows.Count > 0)
            Assert.Equal(PageOrdering.Relevance, first.Ordering);
        Assert.Equal(AllPages(query).Positions, Positions(Source.StreamRows(query, out _)));
        var filtered = query with { Filters = [new("width", FilterOp.Gt, "500")] };
        Assert.Equal(AllPages(filtered).Positions, Positions(Source.StreamRows(filtered, out _)));
    }

    [SkippableFact]
    public void Search_and_filters_compose()
    {
        var query = new TableQuery { Table = T, Search = "cat", Filters = [new("width", FilterOp.Gt, "800")], Size = 17, Sort = "rowid" };
        var expected = Positions(Data.Rows.Where(r => ContractData.MatchesSearch(r, "cat") && r.Width > 800));
        Assert.True(expected.Length > 5, "the data gives this query several rows");
        Assert.Equal(expected, AllPages(query).Positions);
        Assert.Equal(expected.Length, Source.CountRows(query));
    }

    private static List<(object? Value, long Count)> OracleFacet(IEnumerable<ContractData.Row> rows, string column) =>
        rows.GroupBy(r => ContractData.Value(r, column))
            .Select(g => (g.Key, (long)g.Count()))
            .OrderByDescending(v => v.Item2).ThenBy(v => v.Key, Comparer<object?>.Create(ContractData.CompareValues))
            .ToList();

    [SkippableTheory]
    [InlineData("category", null, 30)]
    [InlineData("category", "cat", 30)]
    [InlineData("category", null, 3)]
    [InlineData("width", "sunset", 5)]
    public void Facets_count_values_most_common_first_ties_by_value(string column, string? search, int limit)
    {
        var rows = Data.Rows.Where(r => search is null || ContractData.MatchesSearch(r, search));
        var expected = OracleFacet(rows, column);
        var facet = Source.Facet(new TableQuery { Table = T, Search = search }, column, limit);
        Assert.Equal(column, facet.Column);
        Assert.Equal(expected.Count > limit, facet.Truncated);
        Assert.Equal(expected.Take(limit).Select(v => v.Count), facet.Values.Select(v => v.Count));
        Assert.Equal(expected.Take(limit).Select(v => v.Value), facet.Values.Select(v => v.Value));
    }

    [SkippableFact]
    public void Suggested_facets_are_the_few_valued_columns()
    {
        var suggested = Source.SuggestFacets(T, 30);
        Assert.Contains("category", suggested);
        Assert.DoesNotContain("caption", suggested);
        Assert.DoesNotContain("width", suggested);
    }

    [SkippableTheory]
    [InlineData("width", 10, null)]
    [InlineData("score", 7, null)]
    [InlineData("width", 4, "nature")]
    [InlineData("score", 1, null)]
    public void Histograms_bin_numeric_values_between_min_and_max(string column, int bins, string? category)
    {
        var rows = Data.Rows.Where(r => category is null || r.Category == category).ToList();
        var values = rows.Select(r => ContractData.Value(r, column)).Where(v => v is not null).Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var query = new TableQuery { Table = T, Filters = category is null ? [] : [new("category", FilterOp.Exact, category)] };
        var h = Source.Histogram(query, column, bins);
        Assert.Equal(values.Min(), h.Min);
        Assert.Equal(values.Max(), h.Max);
        Assert.Equal(rows.Count - values.Count, h.NullCount);
        Assert.Equal(bins, h.Bins.Count);
        double lo = values.Min(), width = (values.Max() - lo) / bins;
        var expected = new long[bins];
        foreach (double v in values)
            expected[Math.Clamp((int)((v - lo) / width), 0, bins - 1)]++;
        Assert.Equal(expected, h.Bins.Select(b => b.Count));
        Assert.Equal(lo, h.Bins[0].Low);
        Assert.Equal(values.Max(), h.Bins[^1].High);
    }

    [SkippableFact]
    public void A_histogram_of_a_text_column_is_a_user_error() =>
        Assert.Throws<UserErrorException>(() => Source.Histogram(new TableQuery { Table = T }, "category"));

    [SkippableFact]
    public void Rows_are_read_by_position()
    {
        foreach (long i in new long[] { 0, 1, 250, ContractData.Count - 1 })
        {
            var row = Source.GetRow(T, i);
            Assert.NotNull(row);
            Assert.Equal(["rowid", .. ContractData.Header], row.Value.Columns);
            var expected = Data.Rows[(int)i];
            Assert.Equal<object?>([expected.Position, expected.Caption, expected.Category, expected.Width, expected.Score], row.Value.Values);
        }
        Assert.Null(Source.GetRow(T, ContractData.Count));
        Assert.Null(Source.GetRow(T, -1));
    }

    [SkippableFact]
    public void Unknown_columns_are_user_errors()
    {
        Assert.Throws<UserErrorException>(() => Source.QueryRows(new TableQuery { Table = T, Sort = "nope" }));
        Assert.Throws<UserErrorException>(() => Source.CountRows(new TableQuery { Table = T, Filters = [new("nope", FilterOp.Exact, "1")] }));
        Assert.Throws<UserErrorException>(() => Source.Facet(new TableQuery { Table = T }, "nope"));
    }

    [SkippableFact]
    public void The_vector_set_is_listed_and_chosen_when_it_is_the_only_one()
    {
        var set = Assert.Single(Source.ListVectorSets());
        Assert.Equal((ContractData.VectorSet, T, ContractData.Dimension, (long)ContractData.Count), (set.Name, set.Table, set.Dimension, set.Count));
        Assert.Equal(set.Name, Source.ChooseVectorSet(null).Name);
        Assert.Contains("no vector set 'nope'", Assert.Throws<UserErrorException>(() => Source.ChooseVectorSet("nope")).Message);
    }

    /// <summary>Checks neighbours against exact inner products, robust to ties: each returned similarity is that row's
    /// own, they come best first, and they are the k best of the allowed rows.</summary>
    private static void AssertExactTop(ReadOnlySpan<float> query, IReadOnlyList<long> ids, IReadOnlyList<float> similarities, int k, Func<long, bool> allowed)
    {
        var scores = Data.InnerProducts(query);
        var best = Enumerable.Range(0, ContractData.Count).Where(i => allowed(i)).Select(i => scores[i]).OrderDescending().Take(k).ToArray();
        Assert.Equal(best.Length, ids.Count);
        for (int i = 0; i < ids.Count; i++)
        {
            Assert.True(allowed(ids[i]), $"row {ids[i]} is not allowed");
            Assert.Equal(scores[ids[i]], similarities[i], 4);
            Assert.Equal(best[i], similarities[i], 4);
        }
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [SkippableFact]
    public void Knn_by_vector_returns_the_exact_neighbours_with_their_rows()
    {
        var query = Data.Vector(7).ToArray();
        query[0] += 0.25f;
        var result = Source.Knn(new KnnQuery { VectorSet = ContractData.VectorSet, Vector = query, K = 12, Exact = true });
        var ids = Positions(result.Rows);
        AssertExactTop(query, ids, result.Similarities, 12, _ => true);
        Assert.Equal(["rowid", .. ContractData.Header], result.Columns);
        Assert.Equal(Data.Rows[(int)ids[0]].Caption, result.Rows[0][1]);
    }

    [SkippableFact]
    public void Knn_by_row_leaves_the_row_out_and_honours_search_and_filters()
    {
        var filter = new TableQuery { Table = T, Search = "cat", Filters = [new("category", FilterOp.Not, "art")] };
        var result = Source.Knn(new KnnQuery { VectorSet = ContractData.VectorSet, Row = 3, K = 8, Filter = filter, Exact = true });
        AssertExactTop(Data.Vector(3), Positions(result.Rows), result.Similarities, 8,
            id => id != 3 && ContractData.MatchesSearch(Data.Rows[(int)id], "cat") && Data.Rows[(int)id].Category != "art");
    }

    [SkippableFact]
    public void Knn_batch_answers_each_query_like_a_single_search()
    {
        var queries = new float[3 * ContractData.Dimension];
        for (int q = 0; q < 3; q++)
            Data.Vector(q * 100 + 5).CopyTo(queries.AsSpan(q * ContractData.Dimension));
        var filter = new TableQuery { Table = T, Filters = [new("width", FilterOp.Gt, "600")] };
        var batch = Source.KnnBatch(new KnnQuery { VectorSet = ContractData.VectorSet, K = 6, Filter = filter, Exact = true }, queries);
        Assert.Equal(3, batch.Results.Count);
        for (int q = 0; q < 3; q++)
        {
            var r = batch.Results[q];
            AssertExactTop(queries.AsSpan(q * ContractData.Dimension, ContractData.Dimension), r.Ids, r.Scores, 6, id => Data.Rows[(int)id].Width > 600);
        }
    }

    [SkippableFact]
    public void Knn_refuses_bad_queries_with_user_errors()
    {
        Assert.Throws<UserErrorException>(() => Source.Knn(new KnnQuery { VectorSet = ContractData.VectorSet, Vector = new float[ContractData.Dimension + 1] }));
        Assert.Throws<UserErrorException>(() => Source.Knn(new KnnQuery { VectorSet = ContractData.VectorSet, Row = ContractData.Count }));
        Assert.Throws<UserErrorException>(() => Source.Knn(new KnnQuery { VectorSet = ContractData.VectorSet, Row = 1, K = 0 }));
        var nan = new float[ContractData.Dimension];
        nan[2] = float.NaN;
        Assert.Throws<UserErrorException>(() => Source.Knn(new KnnQuery { VectorSet = ContractData.VectorSet, Vector = nan }));
    }
}
