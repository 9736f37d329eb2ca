using Microsoft.Playwright;
using Trawl.Server.Tests.Clip;

namespace Trawl.Server.Tests.Browser;

/// <summary>Debian's Chromium driven by Playwright against <see cref="ClipServerFixture"/> (served with the tiny CLIP).</summary>
public sealed class ClipBrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public ClipServerFixture Server { get; } = new();

    public IBrowser? Browser { get; private set; }

    /// <summary>Why the browser tests cannot run here, or null when they can.</summary>
    public string? Unavailable { get; private set; }

    public async Task InitializeAsync()
    {
        if (!File.Exists(BrowserFixture.ChromiumPath))
        {
            Unavailable = $"{BrowserFixture.ChromiumPath} is missing (apt-get install chromium)";
            if (Environment.GetEnvironmentVariable("CI") == "true")
                throw new InvalidOperationException("browser tests must run in CI: " + Unavailable);
            return;
        }
        await Server.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Server.DisposeAsync();
    }
}
