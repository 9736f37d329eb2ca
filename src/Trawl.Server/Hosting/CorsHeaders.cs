using Microsoft.AspNetCore.Http;

namespace Trawl.Server.Hosting;

/// <summary><c>trawl serve --cors</c>, as Datasette's: any origin may read the pages and the JSON API (the site is
/// read-only, so nothing is at stake but the data it already publishes); preflight requests are answered here.</summary>
internal static class CorsHeaders
{
    public static Task Apply(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowHeaders = "Authorization, Content-Type";
        headers.AccessControlExposeHeaders = "Link";
        headers.AccessControlAllowMethods = "GET, POST, HEAD, OPTIONS";
        headers.AccessControlMaxAge = "3600";
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }
        return next(context);
    }
}
