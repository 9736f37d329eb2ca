using Microsoft.AspNetCore.Builder;

namespace Trawl.Server.Tests.Integration;

/// <summary>A Trawl server started on a free loopback port for a test fixture, with a client pointed at it.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningServer(WebApplication app)
    {
        _app = app;
        BaseUrl = app.Urls.Single();
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
    }

    public string BaseUrl { get; }
    public HttpClient Client { get; }

    public static async Task<RunningServer> StartAsync(IReadOnlyList<string> datasets, ServerOptions options)
    {
        var app = TrawlServer.Build(datasets, options with { Port = 0 });
        await app.StartAsync();
        return new RunningServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
