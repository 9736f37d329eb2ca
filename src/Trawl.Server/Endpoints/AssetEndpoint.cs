using Microsoft.AspNetCore.Http;
using Trawl.Server.Requests;

namespace Trawl.Server.Endpoints;

/// <summary>/-/static/trawl.css and trawl.js, embedded in the assembly so the server is one self-contained program.</summary>
internal static class AssetEndpoint
{
    private static readonly Dictionary<string, (byte[] Bytes, string ContentType)> Assets = Load();

    public static async Task Handle(HttpContext context, string name)
    {
        if (!Assets.TryGetValue(name, out var asset))
            throw new NotFoundException($"no static file named '{name}'");
        context.Response.ContentType = asset.ContentType;
        context.Response.Headers.CacheControl = "public, max-age=3600";
        context.Response.ContentLength = asset.Bytes.Length;
        await context.Response.Body.WriteAsync(asset.Bytes, context.RequestAborted);
    }

    private static Dictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(AssetEndpoint).Assembly;
        var result = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var (name, type) in new[] { ("trawl.css", "text/css; charset=utf-8"), ("trawl.js", "text/javascript; charset=utf-8") })
        {
            using var stream = assembly.GetManifestResourceStream("Trawl.Server.Assets." + name)
                ?? throw new InvalidOperationException($"embedded asset {name} is missing from the build");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            result[name] = (copy.ToArray(), type);
        }
        return result;
    }
}
