using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Trawl.Server.Hosting;
using Trawl.Server.Requests;
using Trawl.Store;
using Trawl.Store.Sql;

namespace Trawl.Server.Tests.Hosting;

public sealed class ErrorHandlingTests
{
    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, Exception? Error)> Entries { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, exception));
    }

    private static async Task<(int Status, string ContentType, string Body, RecordingLogger Log)> Run(string path, Exception error)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        var body = new MemoryStream();
        context.Response.Body = body;
        var log = new RecordingLogger();
        await ErrorHandling.Handle(context, _ => throw error, log);
        return (context.Response.StatusCode, context.Response.ContentType ?? "", System.Text.Encoding.UTF8.GetString(body.ToArray()), log);
    }

    [Fact]
    public async Task Unexpected_exceptions_are_500_with_a_generic_message_and_logged()
    {
        var (status, type, body, log) = await Run("/db/t.json", new InvalidOperationException("secret internal detail"));
        Assert.Equal(500, status);
        Assert.StartsWith("application/json", type);
        Assert.DoesNotContain("secret", body);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.False(json.GetProperty("ok").GetBoolean());
        Assert.Equal(500, json.GetProperty("status").GetInt32());
        Assert.Equal(ErrorHandling.InternalErrorMessage, json.GetProperty("error").GetString());
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Error && e.Error is InvalidOperationException);
    }

    [Fact]
    public async Task User_errors_and_timeouts_are_400_with_their_message()
    {
        var (status, _, body, log) = await Run("/db/t.json", new UserErrorException("no column 'x'"));
        Assert.Equal(400, status);
        Assert.Contains("no column 'x'", body);
        Assert.Empty(log.Entries);

        (status, _, body, _) = await Run("/db/-/query.json", new SqlTimeoutException(TimeSpan.FromMilliseconds(250)));
        Assert.Equal(400, status);
        Assert.Contains("250 ms", body);
    }

    [Fact]
    public async Task Not_found_is_404_and_html_pages_encode_the_message()
    {
        var (status, type, body, _) = await Run("/db/t", new NotFoundException("no table named '<img src=x onerror=alert(1)>'"));
        Assert.Equal(404, status);
        Assert.StartsWith("text/html", type);
        Assert.DoesNotContain("<img src=x", body);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", body);
    }

    [Fact]
    public async Task Export_urls_get_the_json_error_shape()
    {
        var (status, type, _, _) = await Run("/db/t.csv", new UserErrorException("bad"));
        Assert.Equal(400, status);
        Assert.StartsWith("application/json", type);
    }
}
