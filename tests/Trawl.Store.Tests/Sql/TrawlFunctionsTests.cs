using Trawl.Store.Sql;

namespace Trawl.Store.Tests.Sql;

public sealed class TrawlFunctionsTests
{
    [Theory]
    [InlineData("['amateur recording', 'e-guitar']", "[\"amateur recording\",\"e-guitar\"]")]
    [InlineData("[\"men's voice\", 'rock']", "[\"men's voice\",\"rock\"]")]
    [InlineData("['it\\'s', 'a\\\\b']", "[\"it's\",\"a\\\\b\"]")]
    [InlineData("[]", "[]")]
    [InlineData("[1, 2.5, True, None, ['x']]", "[1,2.5,true,null,[\"x\"]]")]
    [InlineData("['trailing',]", "[\"trailing\"]")]
    [InlineData("[\"already\",\"json\"]", "[\"already\",\"json\"]")]
    public void Json_list_turns_python_list_text_into_a_json_array(string text, string json)
    {
        Assert.Equal(json, TrawlFunctions.JsonList(text));
    }

    [Theory]
    [InlineData("not a list")]
    [InlineData("['unterminated")]
    [InlineData("['a' 'b']")]
    [InlineData("['a'] extra")]
    [InlineData("")]
    [InlineData("[")]
    public void Json_list_of_text_that_is_not_a_list_is_null(string text)
    {
        Assert.Null(TrawlFunctions.JsonList(text));
    }

    [Fact]
    public void Json_list_of_deeply_nested_text_is_null_not_a_stack_overflow()
    {
        Assert.Null(TrawlFunctions.JsonList(new string('[', 100_000)));
    }

    [Theory]
    [InlineData("PT00H00M11S", 11L)]
    [InlineData("PT01H02M03S", 3723L)]
    [InlineData("P1DT1S", 86401L)]
    [InlineData("PT1.5S", 1.5)]
    public void Duration_seconds_reads_iso_8601_durations(string text, object seconds)
    {
        Assert.Equal(seconds, TrawlFunctions.DurationSeconds(text));
    }

    [Theory]
    [InlineData("11")]
    [InlineData("PT")]
    [InlineData("PT5X")]
    [InlineData("PTS")]
    [InlineData("P5H")]
    public void Duration_seconds_of_other_text_is_null(string text)
    {
        Assert.Null(TrawlFunctions.DurationSeconds(text));
    }

    [Theory]
    [InlineData("https://data.together.xyz/redpajama-data-1T/v1.0.0/arxiv/a.jsonl", 3, "arxiv")]
    [InlineData("https://data.together.xyz/redpajama-data-1T/v1.0.0/arxiv/a.jsonl", -1, "a.jsonl")]
    [InlineData("https://x.org/a%20b/c?q=1#f", 1, "a b")]
    [InlineData("local/path/file.txt", 2, "path")]
    public void Path_part_picks_a_path_segment(string url, long n, string part)
    {
        Assert.Equal(part, TrawlFunctions.PathPart(url, n));
    }

    [Theory]
    [InlineData("https://x.org/a", 2)]
    [InlineData("https://x.org/a", 0)]
    [InlineData("https://x.org", 1)]
    public void Path_part_beyond_the_path_is_null(string url, long n)
    {
        Assert.Null(TrawlFunctions.PathPart(url, n));
    }

    [Fact]
    public void Domain_is_the_host_without_www()
    {
        Assert.Equal("example.com", TrawlFunctions.Domain("https://WWW.Example.com:8080/x"));
        Assert.Null(TrawlFunctions.Domain("mailto:x@y"));
    }
}
