using Trawl.Store;

namespace Trawl.Cli.Input;

/// <summary>
/// Parses <c>--derive</c> values into new column → source URL column: <c>domain=URL</c> adds a
/// column "domain" holding the host name of URL; <c>NAME=domain(URL)</c> names the new column NAME.
/// </summary>
internal static class DeriveSpec
{
    public static IReadOnlyDictionary<string, string> ParseAll(IEnumerable<string> specs)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string spec in specs)
        {
            (string name, string column) = Parse(spec);
            if (!result.TryAdd(name, column))
                throw new UserErrorException($"--derive: column '{name}' is derived twice");
        }
        return result;
    }

    public static (string Name, string Column) Parse(string spec)
    {
        int eq = spec.IndexOf('=');
        if (eq <= 0 || eq == spec.Length - 1)
            throw new UserErrorException($"--derive: '{spec}' should look like domain=URLCOLUMN or NAME=domain(URLCOLUMN)");
        string name = spec[..eq].Trim();
        string source = spec[(eq + 1)..].Trim();
        if (source.StartsWith("domain(", StringComparison.OrdinalIgnoreCase) && source.EndsWith(')'))
            return (name, Required(source["domain(".Length..^1].Trim(), spec));
        if (source.Contains('('))
            throw new UserErrorException($"--derive: '{spec}': the only derivation is domain(URLCOLUMN)");
        if (!name.Equals("domain", StringComparison.OrdinalIgnoreCase))
            throw new UserErrorException($"--derive: '{spec}': say what to derive, e.g. domain={source} or {name}=domain({source})");
        return (name, Required(source, spec));
    }

    private static string Required(string column, string spec) =>
        column.Length > 0 ? column : throw new UserErrorException($"--derive: '{spec}' names no column");
}
