namespace Trawl.Server.Hosting;

/// <summary>Too much heavy work already: answered 503 with Retry-After.</summary>
internal sealed class ServerBusyException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
