using Trawl.Server.Rendering;
using Trawl.Server.Requests;

namespace Trawl.Server.Views;

/// <summary>The server's URLs, built in one place.</summary>
internal static class Links
{
    public static string Dataset(string db, OutputFormat format = OutputFormat.Html) =>
        "/" + Html.Segment(db) + OutputFormats.Extension(format);

    public static string Table(string db, string table, OutputFormat format = OutputFormat.Html, QueryParams? query = null) =>
        "/" + Html.Segment(db) + "/" + Html.Segment(table) + OutputFormats.Extension(format) + (query?.ToString() ?? "");

    public static string Row(string db, string table, long rowid, OutputFormat format = OutputFormat.Html) =>
        "/" + Html.Segment(db) + "/" + Html.Segment(table) + "/" + rowid + OutputFormats.Extension(format);

    /// <summary>The "by meaning" results page (GET with q=TEXT, POST with an uploaded image).</summary>
    public static string Meaning(string db) => "/" + Html.Segment(db) + "/-/meaning";

    public static string Query(string db, OutputFormat format = OutputFormat.Html, string? sql = null) =>
        "/" + Html.Segment(db) + "/-/query" + OutputFormats.Extension(format) + (sql is null ? "" : "?sql=" + Uri.EscapeDataString(sql));
}
