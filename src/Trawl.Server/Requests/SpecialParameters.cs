using Trawl.Store;

namespace Trawl.Server.Requests;

/// <summary>The <c>_</c>-prefixed query-string keys: the ones Trawl reads, and Datasette's that it does not have,
/// so a URL never silently means something else than it says.</summary>
internal static class SpecialParameters
{
    /// <summary>Keys the table page reads (besides <c>_search_COLUMN</c>).</summary>
    public static readonly IReadOnlySet<string> Table = new HashSet<string>(StringComparer.Ordinal)
    {
        "_search", "_searchmode", "_sort", "_sort_desc", "_size", "_next", "_shape", "_nl", "_json", "_col", "_nocol",
        "_where", "_labels", "_label", "_facet", "_facet_array", "_facet_date", "_facet_size", "_nofacet", "_nosuggest", "_nocount",
        "_histogram", "_dl", "_stream", "_timelimit", "_ttl", "_filter_column", "_filter_op", "_filter_value",
    };

    /// <summary>Keys the SQL page reads.</summary>
    public static readonly IReadOnlySet<string> Query = new HashSet<string>(StringComparer.Ordinal)
    {
        "_shape", "_nl", "_json", "_dl", "_stream", "_timelimit", "_ttl",
    };

    /// <summary>Datasette's keys Trawl does not implement, with what to use instead.</summary>
    private static readonly Dictionary<string, string> Unsupported = new(StringComparer.Ordinal)
    {
        ["_through"] = "filter with _where=col in (select ...) instead",
        ["_trace"] = "tracing is not available",
        ["_json_infinity"] = "infinities are always written as the strings \"Infinity\" and \"-Infinity\"",
    };

    /// <summary>A <see cref="UserErrorException"/> naming the first key in <paramref name="query"/> that starts with '_'
    /// and is neither in <paramref name="known"/> nor allowed by <paramref name="alsoKnown"/>.</summary>
    public static void Check(QueryParams query, IReadOnlySet<string> known, Func<string, bool>? alsoKnown = null)
    {
        foreach (var (key, _) in query.Pairs)
        {
            if (!key.StartsWith('_') || known.Contains(key) || alsoKnown?.Invoke(key) == true)
                continue;
            if (Unsupported.TryGetValue(key, out string? why))
                throw new UserErrorException($"unsupported parameter '{key}': {why}");
            throw new UserErrorException($"unknown parameter '{key}' (parameters starting with '_' are: {string.Join(", ", known.Order(StringComparer.Ordinal))})");
        }
    }
}
