using System.Runtime.CompilerServices;

namespace Trawl.Store.Ingest;

/// <summary>The host of a URL, lower-cased and without "www.", computed on UTF-8 bytes without allocating
/// (for <c>--derive-domain</c>).</summary>
internal static class UrlHost
{
    /// <summary>Writes the host of <paramref name="url"/> into <paramref name="destination"/> (at least as long as the URL)
    /// and returns its length; 0 when there is no host.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Extract(ReadOnlySpan<byte> url, Span<byte> destination)
    {
        url = url.Trim((byte)' ');
        int scheme = url.IndexOf("://"u8);
        bool bare = false;
        if (scheme >= 0 && scheme < 16)
            url = url[(scheme + 3)..];
        else if (url.StartsWith("//"u8))
            url = url[2..];
        else if (scheme >= 0)
            return 0;
        else
            bare = true;

        int end = url.IndexOfAny((byte)'/', (byte)'?', (byte)'#');
        var authority = end >= 0 ? url[..end] : url;
        // Without a scheme, "mailto:x@y" or "urn:isbn:1" is no host; "example.com:8080" is.
        if (bare && authority.IndexOf((byte)':') is int c && c >= 0 && (c + 1 >= authority.Length || authority[(c + 1)..].IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0))
            return 0;
        int at = authority.LastIndexOf((byte)'@');
        if (at >= 0)
            authority = authority[(at + 1)..];
        if (authority.Length > 0 && authority[0] == (byte)'[')
        {
            int close = authority.IndexOf((byte)']');
            authority = close > 0 ? authority[..(close + 1)] : authority;
        }
        else
        {
            int colon = authority.IndexOf((byte)':');
            if (colon >= 0)
                authority = authority[..colon];
        }
        authority = authority.TrimEnd((byte)'.');
        if (authority.Length > 4 && IsWww(authority))
            authority = authority[4..];
        if (authority.IsEmpty || destination.Length < authority.Length)
            return 0;
        for (int i = 0; i < authority.Length; i++)
        {
            byte b = authority[i];
            destination[i] = (uint)(b - 'A') <= 'Z' - 'A' ? (byte)(b | 0x20) : b;
        }
        return authority.Length;
    }

    private static bool IsWww(ReadOnlySpan<byte> host) =>
        (host[0] | 0x20) == 'w' && (host[1] | 0x20) == 'w' && (host[2] | 0x20) == 'w' && host[3] == '.';
}
