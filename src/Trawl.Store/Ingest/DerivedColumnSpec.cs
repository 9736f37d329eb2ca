using Trawl.Store.Sql;

namespace Trawl.Store.Ingest;

/// <summary>A derived column asked for: its name, what it computes, from which source column (domain, convert) or
/// by which SQL expression (expression, convert).</summary>
public sealed record DerivedColumnSpec(string Name, DerivedColumnKind Kind, string SourceColumn, string? Expression = null)
{
    /// <summary>"domain(URLCOL)" or just "URLCOL" for <c>--derive-domain NAME=...</c>.</summary>
    public static DerivedColumnSpec ParseDomain(string name, string spec)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new UserErrorException($"--derive-domain '{spec}': the new column needs a name (NAME=domain(URLCOL))");
        string source = spec.Trim();
        if (source.StartsWith("domain(", StringComparison.OrdinalIgnoreCase) && source.EndsWith(')'))
            source = source[7..^1].Trim();
        if (source.Length == 0 || source.Contains('(') || source.Contains(')'))
            throw new UserErrorException($"--derive-domain {name}={spec}: give the URL column as domain(URLCOL) or URLCOL");
        return new DerivedColumnSpec(name.Trim(), DerivedColumnKind.Domain, source);
    }

    /// <summary><c>--convert COL=python-list-to-json</c>: the column is replaced by its conversion.</summary>
    public static DerivedColumnSpec ParseConvert(string spec)
    {
        int eq = spec.IndexOf('=');
        string column = eq > 0 ? spec[..eq].Trim() : "";
        string conversion = eq > 0 ? spec[(eq + 1)..].Trim() : "";
        if (column.Length == 0 || conversion.Length == 0)
            throw new UserErrorException($"--convert '{spec}' should look like COL=python-list-to-json");
        var kind = conversion.ToLowerInvariant() switch
        {
            "python-list-to-json" or "json-list" => ColumnConversion.PythonListToJson,
            _ => throw new UserErrorException($"--convert '{spec}': unknown conversion '{conversion}' (known: python-list-to-json)"),
        };
        string expression = kind switch
        {
            _ => $"json_list({SqlNames.Quote(column)})",
        };
        return new DerivedColumnSpec(column, DerivedColumnKind.Convert, column, expression);
    }
}
