using Trawl.Server.Rendering;
using Trawl.Server.Requests;

namespace Trawl.Server.Views;

/// <summary>The server's URLs, built in one place.</summary>
internal static class Links
{
    private static readonly AsyncLocal<string?> s_prefix = new();

    /// <summary>The base_url the current request is served under, without its trailing '/' ("" at the root). Set per
    /// request by the server, so every link below carries it.</summary>
    public static string Prefix
    {
        get => s_prefix.Value ?? "";
        set => s_prefix.Value = value;
    }

    /// <summary>A path of the site (starting with '/') under the base_url.</summary>
    public static string Root(string path = "/") => Prefix + path;

    public static string Dataset(string db, OutputFormat format = OutputFormat.Html) =>
        Prefix + "/" + Html.Segment(db) + OutputFormats.Extension(format);

    public static string Table(string db, string table, OutputFormat format = OutputFormat.Html, QueryParams? query = null) =>
        Prefix + "/" + Html.Segment(db) + "/" + Html.Segment(table) + OutputFormats.Extension(format) + (query?.ToString() ?? "");

    public static string Row(string db, string table, long rowid, OutputFormat format = OutputFormat.Html) =>
        Prefix + "/" + Html.Segment(db) + "/" + Html.Segment(table) + "/" + rowid + OutputFormats.Extension(format);

    /// <summary>The "by meaning" results page (GET with q=TEXT, POST with an uploaded image).</summary>
    public static string Meaning(string db) => Prefix + "/" + Html.Segment(db) + "/-/meaning";

    public static string Query(string db, OutputFormat format = OutputFormat.Html, string? sql = null) =>
        Prefix + "/" + Html.Segment(db) + "/-/query" + OutputFormats.Extension(format) + (sql is null ? "" : "?sql=" + Uri.EscapeDataString(sql));
}
