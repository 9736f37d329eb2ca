namespace Trawl.Web.Tests;

/// <summary>One <see cref="LocalWebHost"/> per test class.</summary>
public sealed class WebHostFixture : IAsyncLifetime
{
    public LocalWebHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await LocalWebHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
