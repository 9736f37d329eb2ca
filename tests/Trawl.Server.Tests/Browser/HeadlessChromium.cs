using Microsoft.Playwright;

namespace Trawl.Server.Tests.Browser;

/// <summary>Debian's Chromium driven by Playwright (never Playwright's own browser download): one per browser fixture.</summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string Path = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>Why the browser tests cannot run here, or null when they can; under CI=true a missing browser throws.</summary>
    public static string? Unavailable()
    {
        if (File.Exists(Path))
            return null;
        string why = $"{Path} is missing (apt-get install chromium)";
        if (Environment.GetEnvironmentVariable("CI") == "true")
            throw new InvalidOperationException("browser tests must run in CI: " + why);
        return why;
    }

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic"],
        });
        return new HeadlessChromium(playwright, browser);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
