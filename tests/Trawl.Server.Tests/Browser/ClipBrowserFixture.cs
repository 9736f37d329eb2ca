using Microsoft.Playwright;
using Trawl.Server.Tests.Clip;

namespace Trawl.Server.Tests.Browser;

/// <summary>Debian's Chromium driven by Playwright against <see cref="ClipServerFixture"/> (served with the tiny CLIP).</summary>
public sealed class ClipBrowserFixture : IAsyncLifetime
{
    private HeadlessChromium? _chromium;

    public ClipServerFixture Server { get; } = new();

    public IBrowser? Browser { get; private set; }

    /// <summary>Why the browser tests cannot run here, or null when they can.</summary>
    public string? Unavailable { get; private set; }

    public async Task InitializeAsync()
    {
        Unavailable = HeadlessChromium.Unavailable();
        if (Unavailable is not null)
            return;
        await Server.InitializeAsync();
        _chromium = await HeadlessChromium.LaunchAsync();
        Browser = _chromium.Browser;
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
            await _chromium.DisposeAsync();
        await Server.DisposeAsync();
    }
}
