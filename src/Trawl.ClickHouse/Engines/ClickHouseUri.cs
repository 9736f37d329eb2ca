using Trawl.Store;

namespace Trawl.ClickHouse.Engines;

/// <summary><c>clickhouse://[USER@]HOST[:PORT]/DB</c>: a ClickHouse server's HTTP interface (port 8123 unless given) and a database
/// (<c>default</c> unless given). The password never goes in the URI: it comes from a file (<c>--password-file</c>).</summary>
public sealed record ClickHouseUri(string Host, int Port, string Database, string? User)
{
    public const string Scheme = "clickhouse";
    public const int DefaultPort = 8123;

    /// <summary>True for text that starts with clickhouse:// (so a dataset argument is a URI, not a folder).</summary>
    public static bool IsClickHouseUri(string text) => text.StartsWith(Scheme + "://", StringComparison.OrdinalIgnoreCase);

    public static ClickHouseUri Parse(string text)
    {
        if (!IsClickHouseUri(text) || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new UserErrorException($"'{text}' is not a ClickHouse URI (clickhouse://HOST:8123/DB)");
        if (uri.UserInfo.Contains(':'))
            throw new UserErrorException($"'{Redact(text)}': put the password in a file and pass --password-file, not in the URI");
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
            throw new UserErrorException($"'{text}': a ClickHouse URI has no ?query or #fragment");
        string db = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (db.Contains('/'))
            throw new UserErrorException($"'{text}': the path names one database (clickhouse://HOST:8123/DB)");
        return new ClickHouseUri(uri.Host, uri.IsDefaultPort ? DefaultPort : uri.Port, db.Length == 0 ? "default" : db,
            uri.UserInfo.Length == 0 ? null : Uri.UnescapeDataString(uri.UserInfo));
    }

    /// <summary>The HTTP endpoint, e.g. http://127.0.0.1:8123/.</summary>
    public Uri HttpEndpoint => new UriBuilder("http", Host, Port, "/").Uri;

    public override string ToString() => $"{Scheme}://{(User is null ? "" : Uri.EscapeDataString(User) + "@")}{Host}:{Port}/{Database}";

    private static string Redact(string text)
    {
        int at = text.IndexOf('@'), start = text.IndexOf("://", StringComparison.Ordinal) + 3;
        return at > start ? text[..start] + "***" + text[at..] : text;
    }
}
