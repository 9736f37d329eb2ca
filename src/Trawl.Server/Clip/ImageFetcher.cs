using System.Net;
using Trawl.Store;

namespace Trawl.Server.Clip;

/// <summary>Fetches an image_url for a query (only with <c>--allow-fetch</c>): http(s) only, a time limit, a size
/// limit read as the body streams in, redirects limited.</summary>
internal sealed class ImageFetcher : IDisposable
{
    private readonly HttpClient _client;
    private readonly long _maxBytes;

    public ImageFetcher(long maxBytes, TimeSpan timeout)
    {
        _maxBytes = maxBytes;
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 3, AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = timeout,
        };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("trawl/0.1");
    }

    public async Task<byte[]> FetchAsync(string url, CancellationToken cancel)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new UserErrorException($"image_url must be an http(s) URL, not '{url}'");
        try
        {
            using var response = await _client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancel);
            if (!response.IsSuccessStatusCode)
                throw new UserErrorException($"image_url {url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            if (response.Content.Headers.ContentLength is { } length && length > _maxBytes)
                throw new UserErrorException($"image_url {url} is {length:N0} bytes, more than the {_maxBytes:N0} an image may have");
            await using var body = await response.Content.ReadAsStreamAsync(cancel);
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, cancel)) > 0)
            {
                if (buffer.Length + read > _maxBytes)
                    throw new UserErrorException($"image_url {url} is more than the {_maxBytes:N0} bytes an image may have");
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
        catch (HttpRequestException e)
        {
            throw new UserErrorException($"image_url {url} could not be fetched: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new UserErrorException($"image_url {url} did not answer within {_client.Timeout.TotalSeconds:0} s", e);
        }
    }

    public void Dispose() => _client.Dispose();
}
