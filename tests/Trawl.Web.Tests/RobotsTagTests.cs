using Trawl.Web.Http;

namespace Trawl.Web.Tests;

public sealed class RobotsTagTests
{
    private static readonly string[] Defaults = ["noai", "noimageai", "noindex", "noimageindex"];

    [Theory]
    [InlineData("noai", true)]
    [InlineData("NOIMAGEINDEX", true)]
    [InlineData("all", false)]
    [InlineData("nofollow, noarchive", false)]
    [InlineData("googlebot: noindex", false)]
    [InlineData("IMG2DATASET: noindex", true)]
    [InlineData("", false)]
    public void Directives_are_read_like_img2dataset(string value, bool disallowed) =>
        Assert.Equal(disallowed, RobotsTag.Disallows(value, "img2dataset", Defaults));

    [Fact]
    public void An_empty_directive_list_honours_nothing() => Assert.False(RobotsTag.Disallows("noai", "img2dataset", []));
}
