namespace Trawl.Cli.Input;

/// <summary>Column names given as repeated options and/or comma-separated lists ("a,b" or "--x a --x b").</summary>
internal static class ColumnList
{
    public static List<string> Parse(IEnumerable<string>? values) =>
        (values ?? [])
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
}
