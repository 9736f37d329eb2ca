using System.Net.Http.Headers;

namespace Trawl.Web.Http;

/// <summary>
/// X-Robots-Tag opt-outs, read as img2dataset reads them: each header value is "directives" or "token: directives";
/// a value without a token, or with our user-agent token, that lists a disallowed directive forbids the use.
/// </summary>
public static class RobotsTag
{
    public const string DisallowedMessage = "Use of image disallowed by X-Robots-Tag directive";

    public static bool Disallows(HttpResponseHeaders headers, string userAgentToken, IReadOnlyList<string> disallowed)
    {
        if (disallowed.Count == 0 || !headers.TryGetValues("X-Robots-Tag", out var values))
            return false;
        foreach (string value in values)
        {
            if (Disallows(value, userAgentToken, disallowed))
                return true;
        }
        return false;
    }

    public static bool Disallows(string value, string userAgentToken, IReadOnlyList<string> disallowed)
    {
        string? token = null;
        string directives = value;
        int colon = value.IndexOf(':');
        if (colon >= 0)
        {
            token = value[..colon].Trim();
            directives = value[(colon + 1)..];
        }
        if (token is not null && !token.Equals(userAgentToken, StringComparison.OrdinalIgnoreCase))
            return false;
        foreach (string d in directives.Split(','))
        {
            string directive = d.Trim();
            if (disallowed.Any(x => x.Equals(directive, StringComparison.OrdinalIgnoreCase)))
                return true;
        }
        return false;
    }
}
