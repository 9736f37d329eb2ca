using Trawl.Server.Requests;
using Trawl.Store;
using Trawl.Store.Queries;

namespace Trawl.Server.Tests.Requests;

public sealed class TableRequestTests
{
    private static TableRequest Parse(string query) => TableRequest.Parse(QueryParams.Parse(query), TestTables.Captions);

    [Fact]
    public void Defaults_are_a_first_page_of_100_in_rowid_order()
    {
        var r = Parse("");
        Assert.Equal(100, r.Query.Size);
        Assert.Null(r.Query.Sort);
        Assert.Null(r.Query.Search);
        Assert.Null(r.Query.Next);
        Assert.Empty(r.Query.Filters);
        Assert.False(r.RowsAsArrays);
    }

    [Theory]
    [InlineData("width__exact=3", FilterOp.Exact)]
    [InlineData("width=3", FilterOp.Exact)]
    [InlineData("width__not=3", FilterOp.Not)]
    [InlineData("width__contains=3", FilterOp.Contains)]
    [InlineData("width__startswith=3", FilterOp.StartsWith)]
    [InlineData("width__gt=3", FilterOp.Gt)]
    [InlineData("width__gte=3", FilterOp.Gte)]
    [InlineData("width__lt=3", FilterOp.Lt)]
    [InlineData("width__lte=3", FilterOp.Lte)]
    [InlineData("width__in=3", FilterOp.In)]
    [InlineData("width__isnull=3", FilterOp.IsNull)]
    [InlineData("WIDTH__GT=3", FilterOp.Gt)]
    public void Each_filter_op_is_read(string query, FilterOp op)
    {
        var f = Assert.Single(Parse(query).Query.Filters);
        Assert.Equal("width", f.Column);
        Assert.Equal(op, f.Op);
        Assert.Equal("3", f.Value);
    }

    [Fact]
    public void A_column_named_with_double_underscore_is_matched_whole()
    {
        var f = Assert.Single(Parse("a__b=x").Query.Filters);
        Assert.Equal(("a__b", FilterOp.Exact), (f.Column, f.Op));
    }

    [Theory]
    [InlineData("nope=1", "no column 'nope'")]
    [InlineData("width__near=1", "unknown filter operator 'near'")]
    [InlineData("_sort=nope", "no column 'nope'")]
    [InlineData("_facet=nope", "no column 'nope'")]
    [InlineData("_size=0", "_size")]
    [InlineData("_size=1001", "_size")]
    [InlineData("_size=ten", "_size")]
    [InlineData("_sort=width&_sort_desc=score", "either")]
    [InlineData("_searchmode=regex", "_searchmode")]
    [InlineData("_shape=table", "_shape")]
    [InlineData("width__gt=", "needs a value")]
    public void Mistakes_are_user_errors_that_say_what_is_wrong(string query, string message)
    {
        var ex = Assert.Throws<UserErrorException>(() => Parse(query));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Unknown_column_error_lists_the_columns()
    {
        var ex = Assert.Throws<UserErrorException>(() => Parse("nope=1"));
        Assert.Contains("caption", ex.Message);
        Assert.Contains("width", ex.Message);
    }

    [Fact]
    public void Sort_search_size_next_and_shape_are_read()
    {
        var r = Parse("_search=cat+dog&_searchmode=raw&_sort_desc=Score&_size=7&_next=abc&_shape=arrays&_facet=width&_facet=width&_histogram=score&_dl=1");
        Assert.Equal("cat dog", r.Query.Search);
        Assert.Equal(SearchMode.Raw, r.Query.SearchMode);
        Assert.Equal("score", r.Query.Sort);
        Assert.True(r.Query.SortDescending);
        Assert.Equal(7, r.Query.Size);
        Assert.Equal("abc", r.Query.Next);
        Assert.True(r.RowsAsArrays);
        Assert.Equal([new FacetRequest("width", FacetKind.Value)], r.Facets);
        Assert.Equal(["score"], r.Histograms);
        Assert.True(r.Download);
    }

    [Fact]
    public void Add_filter_form_fields_become_a_canonical_filter()
    {
        var r = Parse("_search=x&_filter_column=width&_filter_op=gte&_filter_value=10&_next=n");
        Assert.True(r.UsedFilterForm);
        Assert.Equal("?_search=x&width__gte=10", r.Params.ToString());
        var f = Assert.Single(r.Query.Filters);
        Assert.Equal(FilterOp.Gte, f.Op);
    }

    [Fact]
    public void Add_filter_form_isnull_without_value_means_is_null()
    {
        var f = Assert.Single(Parse("_filter_column=caption&_filter_op=isnull&_filter_value=").Query.Filters);
        Assert.Equal((FilterOp.IsNull, "1"), (f.Op, f.Value));
    }

    [Fact]
    public void Filter_values_are_kept_verbatim_for_binding()
    {
        var f = Assert.Single(Parse("caption__contains=%27%3B+drop+table+x%3B--").Query.Filters);
        Assert.Equal("'; drop table x;--", f.Value);
    }
}
