using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Trawl.Server.Tests.Integration;

namespace Trawl.Server.Tests.Browser;

/// <summary>Debian's Chromium driven by Playwright against a served dataset whose image URLs point at a second
/// local server, so pages load completely offline. Playwright's own browser download is never used.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private WebApplication? _images;
    private HeadlessChromium? _chromium;

    public ServerFixture Server { get; } = new();

    public IBrowser? Browser { get; private set; }

    /// <summary>Why the browser tests cannot run here, or null when they can.</summary>
    public string? Unavailable { get; private set; }

    public static byte[] Thumbnail { get; } = TestPng.Gradient(160, 120, 3);

    public async Task InitializeAsync()
    {
        Unavailable = HeadlessChromium.Unavailable();
        if (Unavailable is not null)
            return;

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _images = builder.Build();
        var pngs = Enumerable.Range(0, 6).Select(i => TestPng.Gradient(160, 120, i)).ToArray();
        _images.MapGet("/{n:int}.png", (int n) => n is >= 0 and < 6 ? Results.File(pngs[n], "image/png") : Results.NotFound());
        await _images.StartAsync();

        Server.ImageBase = _images.Urls.Single();
        await Server.InitializeAsync();

        _chromium = await HeadlessChromium.LaunchAsync();
        Browser = _chromium.Browser;
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
            await _chromium.DisposeAsync();
        await Server.DisposeAsync();
        if (_images is not null)
        {
            await _images.StopAsync();
            await _images.DisposeAsync();
        }
    }
}
