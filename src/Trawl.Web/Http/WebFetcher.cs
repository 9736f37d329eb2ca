using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Trawl.Web.Http;

/// <summary>
/// Sends the requests of <c>trawl inventory</c> and <c>trawl download</c>: redirects are followed by hand (only to
/// http(s), at most <see cref="FetchOptions.MaxRedirects"/>), bodies are read up to a limit, each attempt has a time
/// limit, transient failures (network errors, timeouts, 5xx, 429) are retried, and at most
/// <see cref="FetchOptions.PerHostLimit"/> requests are in flight to one host. Thread-safe; one per run.
/// </summary>
public sealed class WebFetcher : IDisposable
{
    private readonly HttpClient _client;
    private readonly HostGate _gate;
    private readonly string _userAgent;

    public WebFetcher(FetchOptions options)
    {
        Options = options;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            MaxConnectionsPerServer = Math.Max(1, options.PerHostLimit),
            ConnectTimeout = options.Timeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _gate = new HostGate(Math.Max(1, options.PerHostLimit));
        _userAgent = $"Mozilla/5.0 (compatible; {options.UserAgentToken}; trawl; +https://github.com/rom1504/img2dataset)";
    }

    public FetchOptions Options { get; }

    /// <summary>GET with the body (images): honours X-Robots-Tag opt-outs.</summary>
    public Task<FetchResult> GetAsync(string url, CancellationToken cancel) => WithRetries(url, Mode.Get, cancel);

    /// <summary>HEAD for the size and type; a refused HEAD (405, 501) is retried as GET with Range: bytes=0-0.</summary>
    public Task<FetchResult> HeadAsync(string url, CancellationToken cancel) => WithRetries(url, Mode.Head, cancel);

    private enum Mode { Get, Head, RangeGet }

    private async Task<FetchResult> WithRetries(string url, Mode mode, CancellationToken cancel)
    {
        var uri = UrlCheck.TryParse(url, out string? error);
        if (uri is null)
            return new FetchResult(FetchStatus.BadUrl, null, null, null, null, null, error, Name(mode), 0);
        FetchResult result = null!;
        for (int attempt = 1; attempt <= Options.Retries + 1; attempt++)
        {
            cancel.ThrowIfCancellationRequested();
            if (attempt > 1)
                await Task.Delay(Options.RetryDelay * (1 << Math.Min(attempt - 2, 6)), cancel).ConfigureAwait(false);
            result = await Attempt(uri, mode, cancel).ConfigureAwait(false);
            if (mode == Mode.Head && result.HttpStatus is 405 or 501)
                result = await Attempt(uri, Mode.RangeGet, cancel).ConfigureAwait(false);
            result = result with { Attempts = attempt };
            bool transient = result.Status == FetchStatus.NetworkError || result.HttpStatus is >= 500 or 429;
            if (!transient)
                break;
        }
        return result;
    }

    private async Task<FetchResult> Attempt(Uri start, Mode mode, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(Options.Timeout);
        var uri = start;
        try
        {
            for (int hop = 0; ; hop++)
            {
                using var gate = await _gate.EnterAsync(uri.IdnHost, timeout.Token).ConfigureAwait(false);
                using var request = new HttpRequestMessage(mode == Mode.Head ? HttpMethod.Head : HttpMethod.Get, uri);
                request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
                if (mode == Mode.RangeGet)
                    request.Headers.Range = new RangeHeaderValue(0, 0);
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                int status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
                {
                    if (hop >= Options.MaxRedirects)
                        return Fail(FetchStatus.BadRedirect, status, $"too many redirects (more than {Options.MaxRedirects})", mode);
                    var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                        return Fail(FetchStatus.BadRedirect, status, $"redirect to a non-http(s) URL: {UrlCheck.Shorten(next.OriginalString)}", mode);
                    uri = next;
                    continue;
                }
                var content = response.Content.Headers;
                string? contentType = content.ContentType?.ToString();
                string? lastModified = content.LastModified?.ToString("R", CultureInfo.InvariantCulture);
                long? size = content.ContentRange?.Length ?? content.ContentLength;
                if (status is < 200 or > 299)
                    return new FetchResult(FetchStatus.HttpError, status, null, size, contentType, lastModified, $"HTTP {status} {response.ReasonPhrase}", Name(mode), 1);
                if (mode != Mode.Get)
                    return new FetchResult(FetchStatus.Ok, status, null, size, contentType, lastModified, null, Name(mode), 1);
                if (Options.OptOutDirectives.Count > 0 && RobotsTag.Disallows(response.Headers, Options.UserAgentToken, Options.OptOutDirectives))
                    return new FetchResult(FetchStatus.OptedOut, status, null, size, contentType, lastModified, RobotsTag.DisallowedMessage, Name(mode), 1);
                if (content.ContentLength > Options.MaxBodyBytes)
                    return new FetchResult(FetchStatus.TooLarge, status, null, size, contentType, lastModified, $"body of {content.ContentLength} bytes is larger than the limit of {Options.MaxBodyBytes}", Name(mode), 1);
                byte[]? body = await ReadBody(response.Content, content.ContentLength, timeout.Token).ConfigureAwait(false);
                if (body is null)
                    return new FetchResult(FetchStatus.TooLarge, status, null, size, contentType, lastModified, $"body is larger than the limit of {Options.MaxBodyBytes} bytes", Name(mode), 1);
                return new FetchResult(FetchStatus.Ok, status, body, body.Length, contentType, lastModified, null, Name(mode), 1);
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return Fail(FetchStatus.NetworkError, null, $"timed out after {Options.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s", mode);
        }
        catch (HttpRequestException e)
        {
            return Fail(FetchStatus.NetworkError, null, Describe(e), mode);
        }
        catch (IOException e)
        {
            return Fail(FetchStatus.NetworkError, null, "connection error: " + e.Message, mode);
        }
    }

    /// <summary>The whole body, or null when it grows past the limit.</summary>
    private async Task<byte[]?> ReadBody(HttpContent content, long? declared, CancellationToken cancel)
    {
        await using var stream = await content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
        long max = Options.MaxBodyBytes;
        var output = new MemoryStream(declared is > 0 and <= int.MaxValue ? (int)declared : 64 << 10);
        byte[] chunk = ArrayPool<byte>.Shared.Rent(64 << 10);
        try
        {
            while (true)
            {
                int n = await stream.ReadAsync(chunk, cancel).ConfigureAwait(false);
                if (n == 0)
                    break;
                if (output.Length + n > max)
                    return null;
                output.Write(chunk, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return output.Length == output.Capacity ? output.GetBuffer() : output.ToArray();
    }

    private static string Describe(HttpRequestException e)
    {
        string message = e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message;
        return e.HttpRequestError == HttpRequestError.ResponseEnded ? "the response ended early (truncated): " + message : message;
    }

    private static FetchResult Fail(FetchStatus status, int? http, string error, Mode mode) =>
        new(status, http, null, null, null, null, error, Name(mode), 1);

    private static string Name(Mode mode) => mode == Mode.Head ? "HEAD" : "GET";

    public void Dispose() => _client.Dispose();
}
