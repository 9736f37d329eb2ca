using Microsoft.AspNetCore.Http;

namespace Trawl.Server.Endpoints;

/// <summary><c>/robots.txt</c>: crawlers are asked to stay away (as datasette-block-robots does) unless
/// <c>trawl serve --allow-robots</c>; a search engine walking every facet and page of a large dataset is a heavy
/// load for nothing.</summary>
internal static class RobotsEndpoint
{
    public const string Blocked = "User-agent: *\nDisallow: /\n";
    public const string Allowed = "User-agent: *\nAllow: /\n";

    public static Task Handle(HttpContext context, bool allow)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(allow ? Allowed : Blocked);
    }
}
