using Trawl.Store;

namespace Trawl.Server.Tests.Hosting;

public sealed class BuildTests
{
    [Fact]
    public void A_missing_dataset_is_a_user_error()
    {
        string path = Path.Combine(Path.GetTempPath(), "trawl-missing-" + Guid.NewGuid().ToString("N"));
        Assert.Throws<UserErrorException>(() => TrawlServer.Build([path], new ServerOptions { Port = 0 }));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("not an address")]
    public void A_host_that_is_not_an_address_is_a_user_error(string host) =>
        Assert.Throws<UserErrorException>(() => TrawlServer.Build([], new ServerOptions { Host = host, Port = 0 }));

    [Fact]
    public void A_port_out_of_range_is_a_user_error() =>
        Assert.Throws<UserErrorException>(() => TrawlServer.Build([], new ServerOptions { Port = 70000 }));

    [Fact]
    public async Task Port_zero_binds_a_free_loopback_port_by_default()
    {
        await using var app = TrawlServer.Build([], new ServerOptions { Port = 0 });
        await app.StartAsync();
        var url = new Uri(app.Urls.Single());
        Assert.Equal("127.0.0.1", url.Host);
        Assert.NotEqual(0, url.Port);
        using var client = new HttpClient { BaseAddress = url };
        string index = await client.GetStringAsync("/");
        Assert.Contains("No datasets", index);
        await app.StopAsync();
    }
}
