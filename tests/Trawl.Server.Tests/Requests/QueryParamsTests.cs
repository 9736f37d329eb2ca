using Trawl.Server.Requests;

namespace Trawl.Server.Tests.Requests;

public sealed class QueryParamsTests
{
    [Fact]
    public void Parse_decodes_and_keeps_order_and_repeats()
    {
        var p = QueryParams.Parse("?_facet=a&q=x+y%26z&_facet=b&empty=");
        Assert.Equal(["_facet", "q", "_facet", "empty"], p.Pairs.Select(x => x.Key));
        Assert.Equal("x y&z", p.Get("q"));
        Assert.Equal(["a", "b"], p.GetAll("_facet"));
        Assert.Equal("", p.Get("empty"));
        Assert.Null(p.Get("missing"));
    }

    [Fact]
    public void ToString_round_trips_awkward_values()
    {
        var p = QueryParams.Empty.With("col__exact", "a&b=c d#é").With("_search", "\"quoted\" + more");
        var back = QueryParams.Parse(p.ToString());
        Assert.Equal("a&b=c d#é", back.Get("col__exact"));
        Assert.Equal("\"quoted\" + more", back.Get("_search"));
    }

    [Fact]
    public void Set_replaces_and_Without_removes_pairs()
    {
        var p = QueryParams.Parse("a=1&_next=x&b=2&a=3");
        Assert.Equal("?b=2&_next=y", p.Without("a").Set("_next", "y").ToString());
        Assert.Equal("?_next=x&b=2&a=3", p.Without("a", "1").ToString());
        Assert.Equal("", QueryParams.Empty.ToString());
    }

    [Theory]
    [InlineData("%")]
    [InlineData("a=%ZZ&b=%e9")]
    [InlineData("&&=&=x&a")]
    [InlineData("a=%F0%9F%98")]
    [InlineData("?%00=%00")]
    public void Malformed_query_strings_parse_without_throwing(string query)
    {
        var p = QueryParams.Parse(query);
        Assert.All(p.Pairs, pair => Assert.NotEqual("", pair.Key));
        // Whatever was read survives a round trip through links.
        Assert.Equal(p.Pairs, QueryParams.Parse(p.ToString()).Pairs);
    }

    [Fact]
    public void Undecodable_escapes_are_kept_as_text()
    {
        Assert.Equal("%ZZ", QueryParams.Parse("a=%ZZ").Get("a"));
    }
}
