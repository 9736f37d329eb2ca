using Trawl.Formats.Derived;
using Trawl.Formats.Text;
using Trawl.Store;

namespace Trawl.Cli.Input;

/// <summary>
/// Parses <c>--derive</c> values into new column → source URL column: <c>domain=URL</c> adds a
/// column "domain" holding the host name of URL; <c>NAME=domain(URL)</c> names the new column NAME.
/// <c>NAME=token_count(COL, 'cl100k_base')</c>, <c>NAME=word_count(COL)</c>, <c>NAME=byte_count(COL)</c>, <c>NAME=folder()</c> and
/// <c>NAME=file()</c> are computed while reading (<see cref="ParseComputed"/>).
/// </summary>
internal static class DeriveSpec
{
    private static readonly string[] ComputedFunctions = ["token_count(", "word_count(", "byte_count(", "folder(", "file("];

    public static IReadOnlyDictionary<string, string> ParseAll(IEnumerable<string> specs)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string spec in specs)
        {
            if (IsComputed(spec))
                continue;
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
            throw new UserErrorException($"--derive: '{spec}': the derivations are domain(URLCOL), token_count(COL, 'cl100k_base'|'o200k_base'|'gpt2'), word_count(COL), byte_count(COL), folder(), file()");
        if (!name.Equals("domain", StringComparison.OrdinalIgnoreCase))
            throw new UserErrorException($"--derive: '{spec}': say what to derive, e.g. domain={source} or {name}=domain({source})");
        return (name, Required(source, spec));
    }

    private static string Required(string column, string spec) =>
        column.Length > 0 ? column : throw new UserErrorException($"--derive: '{spec}' names no column");

    /// <summary>The token/word counts and source names among <paramref name="specs"/> (the rest is left to <see cref="ParseAll"/>).</summary>
    public static IReadOnlyList<DerivedColumn> ParseComputed(IEnumerable<string> specs, IReadOnlyDictionary<string, string> domains)
    {
        var result = new List<DerivedColumn>();
        foreach (string spec in specs.Where(IsComputed))
        {
            var column = ParseOneComputed(spec);
            if (domains.ContainsKey(column.Name) || result.Any(c => c.Name.Equals(column.Name, StringComparison.OrdinalIgnoreCase)))
                throw new UserErrorException($"--derive: column '{column.Name}' is derived twice");
            result.Add(column);
        }
        return result;
    }

    private static bool IsComputed(string spec)
    {
        int eq = spec.IndexOf('=');
        string source = eq < 0 ? "" : spec[(eq + 1)..].TrimStart();
        return ComputedFunctions.Any(f => source.StartsWith(f, StringComparison.OrdinalIgnoreCase));
    }

    internal static DerivedColumn ParseOneComputed(string spec)
    {
        int eq = spec.IndexOf('=');
        string name = spec[..eq].Trim();
        string source = spec[(eq + 1)..].Trim();
        if (name.Length == 0)
            throw new UserErrorException($"--derive: '{spec}' names no new column (NAME=...)");
        int open = source.IndexOf('(');
        if (!source.EndsWith(')'))
            throw new UserErrorException($"--derive: '{spec}': missing ')'");
        string function = source[..open].Trim().ToLowerInvariant();
        string[] args = source[(open + 1)..^1].Split(',', StringSplitOptions.TrimEntries).Select(a => a.Trim('\'', '"')).Where(a => a.Length > 0).ToArray();
        switch (function)
        {
            case "token_count":
            {
                if (args.Length is < 1 or > 2)
                    throw new UserErrorException($"--derive: '{spec}' should look like {name}=token_count(TEXTCOL, 'cl100k_base')");
                var encoding = TokenEncoding.Cl100kBase;
                if (args.Length == 2 && !TokenEncodings.TryParse(args[1], out encoding))
                    throw new UserErrorException($"--derive: '{spec}': unknown encoding '{args[1]}' (known: {string.Join(", ", TokenEncodings.Names)})");
                return new DerivedColumn(name, DerivedKind.TokenCount, args[0], encoding);
            }
            case "word_count":
                if (args.Length != 1)
                    throw new UserErrorException($"--derive: '{spec}' should look like {name}=word_count(TEXTCOL)");
                return new DerivedColumn(name, DerivedKind.WordCount, args[0]);
            case "byte_count":
                if (args.Length != 1)
                    throw new UserErrorException($"--derive: '{spec}' should look like {name}=byte_count(TEXTCOL)");
                return new DerivedColumn(name, DerivedKind.ByteCount, args[0]);
            case "folder" or "file":
                if (args.Length != 0)
                    throw new UserErrorException($"--derive: '{spec}': {function}() takes no arguments");
                return new DerivedColumn(name, function == "folder" ? DerivedKind.SourceFolder : DerivedKind.SourceFile);
            default:
                throw new UserErrorException($"--derive: '{spec}': unknown function '{function}'");
        }
    }
}
