namespace Trawl.Store.Ingest;

/// <summary>A derived column asked for: its name, what it computes and from which source column.</summary>
public sealed record DerivedColumnSpec(string Name, DerivedColumnKind Kind, string SourceColumn)
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
}
