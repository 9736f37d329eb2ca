using Trawl.Server.Rendering;

namespace Trawl.Server.Tests.Rendering;

public sealed class YouTubeClipTests
{
    [Theory]
    [InlineData("-0Gj8-vB1q4", true)]
    [InlineData("dQw4w9WgXcQ", true)]
    [InlineData("a_b-c_d-e_f", true)]
    [InlineData("dQw4w9WgXc", false)]
    [InlineData("dQw4w9WgXcQQ", false)]
    [InlineData("dQw4w9WgXc!", false)]
    [InlineData("dQw4w9WgXc\"", false)]
    [InlineData("dQw4w9WgXc\n", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Ids_are_eleven_url_safe_characters(string? id, bool valid) =>
        Assert.Equal(valid, YouTubeClip.IsValidId(id));

    [Theory]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ", null, null)]
    [InlineData("https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=30", "dQw4w9WgXcQ", 30, null)]
    [InlineData("https://youtu.be/dQw4w9WgXcQ?t=15s", "dQw4w9WgXcQ", 15, null)]
    [InlineData("https://www.youtube.com/embed/dQw4w9WgXcQ?start=5&end=9", "dQw4w9WgXcQ", 5, 9)]
    [InlineData("https://m.youtube.com/shorts/dQw4w9WgXcQ", "dQw4w9WgXcQ", null, null)]
    public void Urls_give_the_id_and_times(string url, string id, int? start, int? end)
    {
        var clip = YouTubeClip.FromUrl(new Uri(url));
        Assert.NotNull(clip);
        Assert.Equal(id, clip.Id);
        Assert.Equal(start, clip.Start);
        Assert.Equal(end, clip.End);
    }

    [Theory]
    [InlineData("https://www.youtube.com/watch?v=bad")]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ%22%3E")]
    [InlineData("https://evil.example/watch?v=dQw4w9WgXcQ")]
    [InlineData("https://youtu.be/dQw4w9WgXcQ/extra")]
    public void Other_urls_are_not_clips(string url) => Assert.Null(YouTubeClip.FromUrl(new Uri(url)));

    [Fact]
    public void Embed_url_plays_exactly_the_clip_on_the_privacy_enhanced_host()
    {
        var clip = YouTubeClip.FromId("-0Gj8-vB1q4", 30L, "40");
        Assert.NotNull(clip);
        Assert.Equal("https://www.youtube-nocookie.com/embed/-0Gj8-vB1q4?start=30&end=40&autoplay=1", clip.EmbedUrl);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(double.NaN)]
    [InlineData("soon")]
    public void Bad_times_are_dropped(object start) => Assert.Null(YouTubeClip.FromId("-0Gj8-vB1q4", start, null)!.Start);
}
