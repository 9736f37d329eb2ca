using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Trawl.Web.Tests;

/// <summary>
/// A real HTTP server on a free loopback port serving generated images and the misbehaviours the fetcher must
/// survive: status codes, delays, redirects (chains, loops, other schemes), wrong content types, truncated bodies,
/// oversized bodies, X-Robots-Tag opt-outs, a refused HEAD. Nothing else is contacted. Counts requests per path and
/// the most requests in flight at once on the slow path.
/// </summary>
public sealed class LocalWebHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _images = new();
    private int _slowInFlight;
    private int _slowMaxInFlight;

    private LocalWebHost(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:PORT</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The same server as another host name (http://localhost:PORT), for per-host limits.</summary>
    public string OtherHostUrl => BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);

    public ConcurrentDictionary<string, int> Hits { get; } = new();

    public int SlowMaxInFlight => Volatile.Read(ref _slowMaxInFlight);

    public void ResetSlowCounter() => Volatile.Write(ref _slowMaxInFlight, 0);

    public int HitCount(string prefix) => Hits.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(kv => kv.Value);

    /// <summary>The bytes /img/W/H/SEED.jpg serves.</summary>
    public byte[] Image(int w, int h, int seed) => _images.GetOrAdd($"{w}/{h}/{seed}", _ => TestImages.Jpeg(w, h, seed));

    public static async Task<LocalWebHost> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var host = new LocalWebHost(app);
        host.Map(app);
        await app.StartAsync();
        host.BaseUrl = app.Urls.Single();
        return host;
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            Hits.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, n) => n + 1);
            await next(context);
        });
        string[] getHead = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/img/{w:int}/{h:int}/{seed}.jpg", getHead, (int w, int h, string seed) =>
            Results.Bytes(Image(w, h, int.Parse(seed, CultureInfo.InvariantCulture)), "image/jpeg"));
        app.MapGet("/exif/{w:int}/{h:int}/{seed:int}.jpg", (int w, int h, int seed) => Results.Bytes(TestImages.JpegWithExif(w, h, seed), "image/jpeg"));
        app.MapGet("/png/{w:int}/{h:int}/{seed:int}.png", (int w, int h, int seed) => Results.Bytes(TestImages.PngWithTransparentLeft(w, h, seed), "image/png"));
        app.MapMethods("/status/{code:int}", getHead, (int code) => Results.StatusCode(code));
        app.MapGet("/flaky/{id}.jpg", (string id) =>
            Hits.GetValueOrDefault($"/flaky/{id}.jpg") <= 1 ? Results.StatusCode(503) : Results.Bytes(Image(64, 48, 1), "image/jpeg"));
        app.MapGet("/slow/{ms:int}/{seed:int}.jpg", async (int ms, int seed, CancellationToken ct) =>
        {
            int now = Interlocked.Increment(ref _slowInFlight);
            int max;
            while ((max = Volatile.Read(ref _slowMaxInFlight)) < now && Interlocked.CompareExchange(ref _slowMaxInFlight, now, max) != max)
            {
            }
            try
            {
                await Task.Delay(ms, ct);
            }
            finally
            {
                Interlocked.Decrement(ref _slowInFlight);
            }
            return Results.Bytes(Image(64, 48, seed), "image/jpeg");
        });
        app.MapGet("/redirect/{n:int}/{seed:int}.jpg", (int n, int seed) =>
            n > 0 ? Results.Redirect($"/redirect/{n - 1}/{seed}.jpg") : Results.Bytes(Image(64, 48, seed), "image/jpeg"));
        app.MapGet("/redirect-scheme/{scheme}", (string scheme) => Results.Redirect(scheme switch
        {
            "ftp" => "ftp://127.0.0.1/x.jpg",
            "file" => "file:///etc/passwd",
            _ => "javascript:alert(1)",
        }));
        app.MapGet("/loop.jpg", () => Results.Redirect("/loop.jpg"));
        app.MapGet("/wrong-type/{seed:int}.jpg", (int seed) => Results.Bytes(Image(64, 48, seed), "text/html"));
        app.MapGet("/not-an-image.jpg", () => Results.Text("<html><body>not an image</body></html>", "image/jpeg"));
        app.MapGet("/truncated-image.jpg", () => { byte[] full = Image(320, 240, 5); return Results.Bytes(full[..(full.Length / 2)], "image/jpeg"); });
        app.MapGet("/truncated-body.jpg", async (HttpContext c) =>
        {
            byte[] full = Image(320, 240, 6);
            c.Response.ContentType = "image/jpeg";
            c.Response.ContentLength = full.Length;
            await c.Response.Body.WriteAsync(full.AsMemory(0, full.Length / 3));
            await c.Response.Body.FlushAsync();
            c.Abort();
        });
        app.MapGet("/bomb.png", () => Results.Bytes(TestImages.PngBomb(60_000, 60_000), "image/png"));
        app.MapGet("/big.jpg", () => Results.Bytes(new byte[3 << 20], "image/jpeg"));
        app.MapGet("/big-chunked.jpg", async (HttpContext c) =>
        {
            c.Response.ContentType = "image/jpeg";
            var chunk = new byte[64 << 10];
            for (int i = 0; i < 48; i++)
                await c.Response.Body.WriteAsync(chunk);
        });
        app.MapGet("/optout/{seed:int}.jpg", (HttpContext c, int seed) =>
        {
            foreach (string? v in c.Request.Query["tag"])
                c.Response.Headers.Append("X-Robots-Tag", v);
            return Results.Bytes(Image(64, 48, seed), "image/jpeg");
        });
        app.MapMethods("/head-refused/{size:long}", getHead, (HttpContext c, long size) =>
        {
            if (HttpMethods.IsHead(c.Request.Method))
                return Results.StatusCode(405);
            c.Response.Headers.ContentRange = $"bytes 0-0/{size}";
            return Results.Bytes(new byte[1], "application/octet-stream", null, false, null, null);
        });
        app.MapMethods("/files/{**path}", getHead, (HttpContext c, string path) =>
        {
            c.Response.Headers.LastModified = "Mon, 17 Apr 2023 10:00:00 GMT";
            c.Response.ContentType = "application/json";
            c.Response.ContentLength = FileSize(path);
            return Task.CompletedTask;
        });
        app.MapGet("/hang.jpg", async (CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return Results.StatusCode(200);
        });
    }

    /// <summary>The Content-Length /files/PATH announces.</summary>
    public static long FileSize(string path) => 1000L + (uint)path.GetHashCode(StringComparison.Ordinal) % 100_000 * 1000L;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
