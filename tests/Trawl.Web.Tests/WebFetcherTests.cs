using Trawl.Web.Http;

namespace Trawl.Web.Tests;

public sealed class WebFetcherTests(WebHostFixture fixture) : IClassFixture<WebHostFixture>
{
    private LocalWebHost Host => fixture.Host;

    private static WebFetcher Fetcher(int retries = 0, int timeoutMs = 5000, long maxBody = 1 << 20, int perHost = 16) =>
        new(new FetchOptions { Retries = retries, Timeout = TimeSpan.FromMilliseconds(timeoutMs), MaxBodyBytes = maxBody, PerHostLimit = perHost, RetryDelay = TimeSpan.FromMilliseconds(10) });

    [Theory]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1/x.jpg")]
    [InlineData("file:///etc/passwd")]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:image/png;base64,AAAA")]
    [InlineData("/relative/path.jpg")]
    public async Task Malformed_and_non_http_urls_are_recorded_and_never_sent(string url)
    {
        using var f = Fetcher();
        var r = await f.GetAsync(url, default);
        Assert.Equal(FetchStatus.BadUrl, r.Status);
        Assert.Equal(0, r.Attempts);
        Assert.False(r.Answered);
        Assert.False(string.IsNullOrEmpty(r.Error));
    }

    [Fact]
    public async Task An_image_is_fetched_whole()
    {
        using var f = Fetcher();
        var r = await f.GetAsync(Host.BaseUrl + "/img/64/48/3.jpg", default);
        Assert.Equal(FetchStatus.Ok, r.Status);
        Assert.Equal(Host.Image(64, 48, 3), r.Body);
        Assert.Equal(200, r.HttpStatus);
    }

    [Fact]
    public async Task Redirects_are_followed_up_to_the_limit()
    {
        using var f = Fetcher();
        var ok = await f.GetAsync(Host.BaseUrl + "/redirect/3/4.jpg", default);
        Assert.Equal(FetchStatus.Ok, ok.Status);
        Assert.Equal(Host.Image(64, 48, 4), ok.Body);
        var tooMany = await f.GetAsync(Host.BaseUrl + "/redirect/9/4.jpg", default);
        Assert.Equal(FetchStatus.BadRedirect, tooMany.Status);
        Assert.Contains("too many redirects", tooMany.Error);
        var loop = await f.GetAsync(Host.BaseUrl + "/loop.jpg", default);
        Assert.Equal(FetchStatus.BadRedirect, loop.Status);
        Assert.InRange(Host.Hits["/loop.jpg"], 1, 6);
    }

    [Theory]
    [InlineData("ftp")]
    [InlineData("file")]
    [InlineData("javascript")]
    public async Task Redirects_to_other_schemes_are_refused(string scheme)
    {
        using var f = Fetcher();
        var r = await f.GetAsync(Host.BaseUrl + "/redirect-scheme/" + scheme, default);
        Assert.Equal(FetchStatus.BadRedirect, r.Status);
        Assert.Contains("non-http(s)", r.Error);
    }

    [Theory]
    [InlineData("/big.jpg")]
    [InlineData("/big-chunked.jpg")]
    public async Task Bodies_over_the_limit_are_refused(string path)
    {
        using var f = Fetcher(maxBody: 1 << 20);
        var r = await f.GetAsync(Host.BaseUrl + path, default);
        Assert.Equal(FetchStatus.TooLarge, r.Status);
        Assert.Null(r.Body);
        Assert.Contains("limit", r.Error);
    }

    [Fact]
    public async Task A_truncated_body_is_a_network_error_not_an_image()
    {
        using var f = Fetcher();
        var r = await f.GetAsync(Host.BaseUrl + "/truncated-body.jpg", default);
        Assert.Equal(FetchStatus.NetworkError, r.Status);
        Assert.Null(r.Body);
    }

    [Fact]
    public async Task A_hanging_host_times_out()
    {
        using var f = Fetcher(timeoutMs: 300);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var r = await f.GetAsync(Host.BaseUrl + "/hang.jpg", default);
        Assert.Equal(FetchStatus.NetworkError, r.Status);
        Assert.Contains("timed out", r.Error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_503_is_retried_and_a_404_is_not()
    {
        using var f = Fetcher(retries: 2);
        var flaky = await f.GetAsync(Host.BaseUrl + "/flaky/a.jpg", default);
        Assert.Equal(FetchStatus.Ok, flaky.Status);
        Assert.Equal(2, flaky.Attempts);
        var missing = await f.GetAsync(Host.BaseUrl + "/status/404", default);
        Assert.Equal(FetchStatus.HttpError, missing.Status);
        Assert.Equal(404, missing.HttpStatus);
        Assert.Equal(1, missing.Attempts);
        var down = await f.GetAsync(Host.BaseUrl + "/status/500", default);
        Assert.Equal(3, down.Attempts);
    }

    [Theory]
    [InlineData("noai", true)]
    [InlineData("noindex, nofollow", true)]
    [InlineData("img2dataset: noimageai", true)]
    [InlineData("otherbot: noai", false)]
    [InlineData("nofollow", false)]
    public async Task X_Robots_Tag_opt_outs_are_honoured(string tag, bool refused)
    {
        using var f = Fetcher();
        var r = await f.GetAsync(Host.BaseUrl + "/optout/7.jpg?tag=" + Uri.EscapeDataString(tag), default);
        Assert.Equal(refused ? FetchStatus.OptedOut : FetchStatus.Ok, r.Status);
        if (refused)
            Assert.Equal(RobotsTag.DisallowedMessage, r.Error);
    }

    [Fact]
    public async Task A_refused_HEAD_falls_back_to_a_one_byte_range_GET()
    {
        using var f = Fetcher();
        var r = await f.HeadAsync(Host.BaseUrl + "/head-refused/123456", default);
        Assert.Equal(FetchStatus.Ok, r.Status);
        Assert.Equal("GET", r.Method);
        Assert.Equal(123456, r.Size);
        var head = await f.HeadAsync(Host.BaseUrl + "/files/a/b.jsonl", default);
        Assert.Equal("HEAD", head.Method);
        Assert.Equal(LocalWebHost.FileSize("a/b.jsonl"), head.Size);
        Assert.Equal("application/json", head.ContentType);
        Assert.NotNull(head.LastModified);
    }

    [Fact]
    public async Task No_more_than_the_per_host_limit_is_in_flight_to_one_host()
    {
        Host.ResetSlowCounter();
        using var f = Fetcher(perHost: 2);
        var tasks = Enumerable.Range(0, 10).Select(i => f.GetAsync($"{Host.BaseUrl}/slow/150/{i}.jpg", default)).ToList();
        var results = await Task.WhenAll(tasks);
        Assert.All(results, r => Assert.Equal(FetchStatus.Ok, r.Status));
        Assert.InRange(Host.SlowMaxInFlight, 1, 2);

        // Two host names for the same server: each has its own allowance.
        Host.ResetSlowCounter();
        var both = Enumerable.Range(0, 12).Select(i => f.GetAsync($"{(i % 2 == 0 ? Host.BaseUrl : Host.OtherHostUrl)}/slow/150/{i}.jpg", default)).ToList();
        await Task.WhenAll(both);
        Assert.InRange(Host.SlowMaxInFlight, 1, 4);
    }
}
