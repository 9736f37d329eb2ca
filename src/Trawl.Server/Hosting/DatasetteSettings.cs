using System.Globalization;
using Trawl.Store;

namespace Trawl.Server.Hosting;

/// <summary>
/// <c>trawl serve --setting NAME VALUE</c> with Datasette's setting names, mapped onto <see cref="ServerOptions"/>.
/// Only the settings Trawl honours are accepted; any other name is a user error listing them, and Datasette's
/// settings that mean nothing here (threads, caches, templates) say why.
/// </summary>
public static class DatasetteSettings
{
    private enum Kind { Count, CountOrZero, Milliseconds, Switch, Path }

    private sealed record Setting(string Name, Kind Kind, string Help, Func<ServerOptions, object?> Current, Func<ServerOptions, long, string, ServerOptions> Apply);

    private static readonly Setting[] All =
    [
        new("default_page_size", Kind.Count, "rows on a table page without _size",
            o => o.DefaultPageSize, (o, n, _) => o with { DefaultPageSize = (int)n }),
        new("max_returned_rows", Kind.Count, "most rows of a SQL result or table page (_size=max); table pages stop at 1000",
            o => o.SqlMaxRows, (o, n, _) => o with { SqlMaxRows = (int)n, MaxPageSize = (int)Math.Min(n, 1000) }),
        new("sql_time_limit_ms", Kind.Milliseconds, "time limit for SQL, _where and counts",
            o => (long)o.SqlTimeLimit.TotalMilliseconds, (o, n, _) => o with { SqlTimeLimit = TimeSpan.FromMilliseconds(n) }),
        new("default_facet_size", Kind.Count, "values per facet without _facet_size",
            o => o.DefaultFacetSize, (o, n, _) => o with { DefaultFacetSize = (int)n }),
        new("facet_time_limit_ms", Kind.Milliseconds, "time limit for each facet on a table page",
            o => (long)(o.FacetTimeLimit ?? o.SqlTimeLimit).TotalMilliseconds, (o, n, _) => o with { FacetTimeLimit = TimeSpan.FromMilliseconds(n) }),
        new("facet_suggest_time_limit_ms", Kind.Milliseconds, "time spent looking for facet suggestions",
            o => (long)o.FacetSuggestTimeLimit.TotalMilliseconds, (o, n, _) => o with { FacetSuggestTimeLimit = TimeSpan.FromMilliseconds(n) }),
        new("allow_facet", Kind.Switch, "accept _facet, _facet_array and _facet_date",
            o => o.AllowFacet, (o, n, _) => o with { AllowFacet = n != 0 }),
        new("suggest_facets", Kind.Switch, "suggest facets on table pages",
            o => o.SuggestFacets, (o, n, _) => o with { SuggestFacets = n != 0 }),
        new("allow_download", Kind.Switch, "offer each dataset's meta.db at /DB.db",
            o => o.AllowDownload, (o, n, _) => o with { AllowDownload = n != 0 }),
        new("allow_csv_stream", Kind.Switch, ".csv/.jsonl stream every matching row (off: at most max_returned_rows)",
            o => o.AllowCsvStream, (o, n, _) => o with { AllowCsvStream = n != 0 }),
        new("default_allow_sql", Kind.Switch, "allow arbitrary SQL: the query page and _where (canned queries still run)",
            o => o.AllowSql, (o, n, _) => o with { AllowSql = n != 0 }),
        new("truncate_cells_html", Kind.CountOrZero, "cut text in table cells after this many characters (0: never)",
            o => o.TruncateCellsHtml, (o, n, _) => o with { TruncateCellsHtml = (int)n }),
        new("default_cache_ttl", Kind.CountOrZero, "Cache-Control max-age in seconds for pages without _ttl",
            o => o.DefaultCacheTtl, (o, n, _) => o with { DefaultCacheTtl = (int)n }),
        new("force_https_urls", Kind.Switch, "absolute URLs in JSON use https",
            o => o.ForceHttpsUrls, (o, n, _) => o with { ForceHttpsUrls = n != 0 }),
        new("base_url", Kind.Path, "the path the site is served under behind a proxy, e.g. /data/",
            o => o.BaseUrl, (o, _, text) => o with { BaseUrl = text }),
    ];

    /// <summary>Datasette's settings that have no meaning for Trawl, with why (so the error says more than "unknown").</summary>
    private static readonly Dictionary<string, string> NotApplicable = new(StringComparer.Ordinal)
    {
        ["num_sql_threads"] = "Trawl reads through a connection pool sized by demand; use --heavy-slots to bound heavy requests",
        ["cache_size_kb"] = "SQLite's page cache is left at its default",
        ["max_insert_rows"] = "the server is read-only",
        ["max_csv_mb"] = "exports stream without a size cap; use allow_csv_stream off to cap them at max_returned_rows",
        ["template_debug"] = "Trawl has no templates",
        ["trace_debug"] = "tracing is not available",
        ["hash_urls"] = "removed from Datasette; use default_cache_ttl",
        ["allow_signed_tokens"] = "the server has no accounts",
        ["max_signed_tokens_ttl"] = "the server has no accounts",
    };

    /// <summary>The names accepted.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(s => s.Name).ToArray();

    /// <summary>"name: what it does" for --help.</summary>
    public static IReadOnlyList<string> Descriptions { get; } = All.Select(s => $"{s.Name}: {s.Help}").ToArray();

    /// <summary>Every setting's current value (a number, true/false, text or null), by Datasette's name.</summary>
    public static IReadOnlyList<(string Name, object? Value)> Current(ServerOptions options) => All.Select(s => (s.Name, s.Current(options))).ToArray();

    /// <summary>A copy of <paramref name="options"/> with the setting applied; a bad name or value is a
    /// <see cref="UserErrorException"/> naming the setting.</summary>
    public static ServerOptions Apply(ServerOptions options, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(options);
        var setting = All.FirstOrDefault(s => s.Name == name);
        if (setting is null)
        {
            if (NotApplicable.TryGetValue(name, out string? why))
                throw new UserErrorException($"--setting {name}: not applied by Trawl ({why})");
            throw new UserErrorException($"--setting {name}: not a setting Trawl honours (settings: {string.Join(", ", Names)})");
        }
        switch (setting.Kind)
        {
            case Kind.Switch:
                long on = value.ToLowerInvariant() switch
                {
                    "1" or "on" or "true" or "yes" => 1,
                    "0" or "off" or "false" or "no" => 0,
                    _ => throw new UserErrorException($"--setting {name} {value}: give on or off (or 1/0, true/false)"),
                };
                return setting.Apply(options, on, value);
            case Kind.Path:
                return setting.Apply(options, 0, BaseUrl(value));
            default:
                bool zeroOk = setting.Kind == Kind.CountOrZero;
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long number) || number < (zeroOk ? 0 : 1) || number > int.MaxValue)
                    throw new UserErrorException($"--setting {name} {value}: give a {(zeroOk ? "" : "positive ")}whole number{(setting.Kind == Kind.Milliseconds ? " of milliseconds" : "")}");
                return setting.Apply(options, number, value);
        }
    }

    /// <summary>base_url as a path that starts and ends with '/' ("/" for none); only a plain path is accepted.</summary>
    private static string BaseUrl(string value)
    {
        string path = value.Trim();
        if (path.Length == 0 || path.Contains("://", StringComparison.Ordinal) || path.Contains('?') || path.Contains('#') || path.Contains("..", StringComparison.Ordinal)
            || path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '<' or '>' or '\\'))
            throw new UserErrorException($"--setting base_url {value}: give a path such as /data/");
        if (!path.StartsWith('/'))
            path = "/" + path;
        if (!path.EndsWith('/'))
            path += "/";
        return path;
    }

}
