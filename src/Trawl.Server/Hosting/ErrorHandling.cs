using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Trawl.Server.Output;
using Trawl.Server.Requests;
using Trawl.Server.Views;
using Trawl.Store;

namespace Trawl.Server.Hosting;

/// <summary>Turns exceptions into the one error shape: JSON {"ok": false, "error", "status"} on .json/.jsonl/.csv
/// URLs, an HTML page otherwise. User mistakes are 400 with their message (SQL timeouts too), unknown things 404,
/// anything else 500 with a generic message and the details in the log.</summary>
internal static class ErrorHandling
{
    public const string InternalErrorMessage = "internal server error; the details are in the server's log";

    public static async Task Handle(HttpContext context, RequestDelegate next, ILogger logger)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception ex)
        {
            var (status, message) = ex switch
            {
                NotFoundException => (StatusCodes.Status404NotFound, ex.Message),
                ForbiddenException => (StatusCodes.Status403Forbidden, ex.Message),
                ServerBusyException => (StatusCodes.Status503ServiceUnavailable, ex.Message),
                UserErrorException => (StatusCodes.Status400BadRequest, ex.Message),
                BadHttpRequestException bad => (bad.StatusCode, ex.Message),
                _ => (StatusCodes.Status500InternalServerError, InternalErrorMessage),
            };
            if (status >= 500 && ex is not ServerBusyException)
                logger.LogError(ex, "{Method} {Path}{Query} failed", context.Request.Method, context.Request.Path, context.Request.QueryString);
            if (context.Response.HasStarted)
            {
                // A streamed export already sent its headers: cutting the connection is the only honest signal left.
                logger.LogWarning(ex, "{Path}: failed after the response started; aborting", context.Request.Path);
                context.Abort();
                return;
            }
            context.Response.Clear();
            if (ex is ServerBusyException busy)
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(busy.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteError(context, message, status);
        }
    }

    public static Task WriteError(HttpContext context, string message, int status)
    {
        if (OutputFormats.WantsJsonErrors(context.Request.Path.Value ?? ""))
            return Responses.JsonError(context, message, status);
        return Responses.Html(context, ErrorPage.Render(message, status), status);
    }
}
