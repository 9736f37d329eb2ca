namespace Trawl.Server.Requests;

/// <summary>Output formats chosen by a path segment's extension.</summary>
internal static class OutputFormats
{
    /// <summary>Splits "name.json" into ("name", Json); a name without a known extension is HTML.</summary>
    public static (string Name, OutputFormat Format) Split(string segment)
    {
        if (segment.EndsWith(".jsonl", StringComparison.Ordinal))
            return (segment[..^6], OutputFormat.JsonLines);
        if (segment.EndsWith(".json", StringComparison.Ordinal))
            return (segment[..^5], OutputFormat.Json);
        if (segment.EndsWith(".csv", StringComparison.Ordinal))
            return (segment[..^4], OutputFormat.Csv);
        return (segment, OutputFormat.Html);
    }

    public static string Extension(OutputFormat format) => format switch
    {
        OutputFormat.Json => ".json",
        OutputFormat.Csv => ".csv",
        OutputFormat.JsonLines => ".jsonl",
        _ => "",
    };

    /// <summary>Errors on any machine-readable URL use the JSON error shape.</summary>
    public static bool WantsJsonErrors(string path) =>
        path.EndsWith(".json", StringComparison.Ordinal)
        || path.EndsWith(".jsonl", StringComparison.Ordinal)
        || path.EndsWith(".csv", StringComparison.Ordinal)
        || path.EndsWith("/-/knn", StringComparison.Ordinal)
        || path is "/knn-service" or "/metadata" or "/indices-list";
}
