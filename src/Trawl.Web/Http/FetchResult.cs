namespace Trawl.Web.Http;

/// <summary>The outcome of one fetch after redirects and retries.</summary>
/// <param name="Status">What happened.</param>
/// <param name="HttpStatus">The final HTTP status code, when there was an answer.</param>
/// <param name="Body">The body (GET) or null (HEAD, failures).</param>
/// <param name="Size">Content-Length, or the total from a Content-Range, or the body's length; null when unknown.</param>
/// <param name="ContentType">The Content-Type header, as sent.</param>
/// <param name="LastModified">The Last-Modified header, as sent.</param>
/// <param name="Error">A message for anything but <see cref="FetchStatus.Ok"/>.</param>
/// <param name="Method">The method of the request that answered ("HEAD", or "GET" after a refused HEAD).</param>
/// <param name="Attempts">Attempts made (1 + retries used).</param>
public sealed record FetchResult(
    FetchStatus Status,
    int? HttpStatus,
    byte[]? Body,
    long? Size,
    string? ContentType,
    string? LastModified,
    string? Error,
    string Method,
    int Attempts)
{
    /// <summary>Whether the host answered (any HTTP status), as opposed to a network failure or a URL never sent.</summary>
    public bool Answered => HttpStatus is not null;
}
