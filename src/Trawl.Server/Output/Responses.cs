using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Trawl.Server.Output;

/// <summary>Writes whole HTML and JSON responses.</summary>
internal static class Responses
{
    public static async Task Html(HttpContext context, string html, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(html, Encoding.UTF8, context.RequestAborted);
    }

    public static async Task Json(HttpContext context, Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, JsonValues.WriterOptions))
            write(writer);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    /// <summary>Newline-delimited JSON: one value per item, each on its own line.</summary>
    public static async Task JsonLines<T>(HttpContext context, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, JsonValues.WriterOptions))
        {
            foreach (var item in items)
            {
                writer.Reset(buffer);
                write(writer, item);
                writer.Flush();
                buffer.Write("\n"u8);
            }
        }
        context.Response.ContentType = "application/x-ndjson; charset=utf-8";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    /// <summary>The one JSON error shape: {"ok": false, "error": "...", "status": N}.</summary>
    public static Task JsonError(HttpContext context, string message, int status) => Json(context, w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("ok", false);
        w.WriteString("error", message);
        w.WriteNumber("status", status);
        w.WriteEndObject();
    }, status);
}
