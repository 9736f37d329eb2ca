using Trawl.Server.Requests;
using Trawl.Server.Views;
using Trawl.Store.Queries;

namespace Trawl.Server.Tests.Rendering;

public sealed class TableViewTests
{
    private static TableResult Result(string query, bool countTimedOut = false, IReadOnlyList<string>? facetsTimedOut = null)
    {
        var request = TableRequest.Parse(QueryParams.Parse(query), TestTables.Captions);
        string[] columns = ["rowid", "url", "caption", "width", "score", "a__b"];
        object?[][] rows = [[0L, "javascript:alert(1)", "<b>bold</b>", 10L, 0.5, null]];
        var page = new RowPage(columns, rows, "CURSOR", countTimedOut ? null : 1, TimeSpan.Zero);
        return new TableResult("db", TestTables.Captions, request, page, [], [], [new SuggestedFacet("width", FacetKind.Value)], 1.0)
        {
            CountTimedOut = countTimedOut,
            FacetsTimedOut = facetsTimedOut ?? [],
            TimeLimitMs = 1000,
        };
    }

    [Fact]
    public void Slow_counts_and_facets_are_reported_not_waited_for()
    {
        string html = TableView.Render(Result("_search=x&_facet=width", countTimedOut: true, facetsTimedOut: ["width"]));
        Assert.Contains("counting took longer than 1000 ms", html);
        Assert.Contains("class=\"facet timed-out\"", html);
    }

    [Fact]
    public void Values_and_the_search_box_are_encoded()
    {
        string html = TableView.Render(Result("_search=%22%3E%3Cscript%3E"));
        Assert.Contains("value=\"&quot;&gt;&lt;script&gt;\"", html);
        Assert.DoesNotContain("\"><script>", html);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", html);
        Assert.DoesNotContain("href=\"javascript:", html);
    }

    [Fact]
    public void Next_link_keeps_the_query_and_sets_the_cursor()
    {
        string html = TableView.Render(Result("_search=cat&width__gt=5"));
        Assert.Contains("href=\"/db/captions?_search=cat&amp;width__gt=5&amp;_next=CURSOR\"", html);
    }

    [Fact]
    public void Each_active_filter_has_a_link_that_removes_only_it()
    {
        string html = TableView.Render(Result("width__gt=5&score__lt=2"));
        Assert.Contains("href=\"/db/captions?score__lt=2\" title=\"Remove this filter\"", html);
        Assert.Contains("href=\"/db/captions?width__gt=5\" title=\"Remove this filter\"", html);
    }

    [Theory]
    [InlineData("a \uE000piano\uE001 <b>tune</b>", "a <mark>piano</mark> &lt;b&gt;tune&lt;/b&gt;")]
    [InlineData("\uE001stray end \uE000open", "stray end <mark>open</mark>")]
    [InlineData("\uE000a\uE000b\uE001", "<mark>ab</mark>")]
    [InlineData("plain & simple", "plain &amp; simple")]
    public void Snippets_become_marks_and_everything_else_is_encoded(string snippet, string html) =>
        Assert.Equal(html, TableView.Highlight(snippet));
}
