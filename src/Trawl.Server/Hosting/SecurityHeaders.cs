using Microsoft.AspNetCore.Http;

namespace Trawl.Server.Hosting;

/// <summary>Headers that keep hostile data in its place: scripts and styles only from this server, media from any
/// http(s) origin (datasets point at images and videos everywhere), frames only from YouTube's privacy-enhanced player.</summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' http: https: data:; " +
        "media-src http: https:; frame-src https://www.youtube-nocookie.com; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'self'";

    public static Task Apply(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "SAMEORIGIN";
        return next(context);
    }
}
