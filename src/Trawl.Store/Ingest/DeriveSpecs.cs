using Trawl.Formats.Derived;
using Trawl.Formats.Text;

namespace Trawl.Store.Ingest;

/// <summary>
/// Parses <c>--derive</c> values, the one home of their grammar. <c>domain=URLCOL</c> or <c>NAME=domain(URLCOL)</c>
/// is a URL's host (computed on the bytes); <c>NAME=token_count(COL, 'cl100k_base')</c>, <c>word_count(COL)</c>,
/// <c>byte_count(COL)</c>, <c>folder()</c> and <c>file()</c> are computed while reading; anything else,
/// <c>NAME=EXPR</c>, is a SQL expression over the source's columns evaluated by SQLite with Trawl's functions
/// (checked against the source's columns when its first batch is read, before any row is written).
/// </summary>
public static class DeriveSpecs
{
    private static readonly string[] ComputedFunctions = ["token_count", "word_count", "byte_count", "folder", "file"];

    /// <summary>The specs split into columns Trawl derives from the rows (domain, SQL) and columns computed while
    /// reading (counts, the source's folder or file).</summary>
    public static (IReadOnlyList<DerivedColumnSpec> Rows, IReadOnlyList<DerivedColumn> Computed) Parse(IEnumerable<string> specs)
    {
        var rows = new List<DerivedColumnSpec>();
        var computed = new List<DerivedColumn>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string spec in specs)
        {
            int eq = spec.IndexOf('=');
            if (eq <= 0 || eq == spec.Length - 1 || spec[..eq].Trim().Length == 0 || spec[(eq + 1)..].Trim().Length == 0)
                throw new UserErrorException($"--derive: '{spec}' should look like NAME=EXPRESSION, e.g. domain=url, host=domain(url), tags=json_list(aspect_list)");
            string name = spec[..eq].Trim();
            string source = spec[(eq + 1)..].Trim();
            ValidateName(name, spec);
            if (!names.Add(name))
                throw new UserErrorException($"--derive: column '{name}' is derived twice");
            string? function = FunctionName(source);
            if (function is not null && ComputedFunctions.Contains(function))
                computed.Add(ParseComputed(name, function, source, spec));
            else if (function == "domain" && IsBareColumn(source["domain(".Length..^1].Trim()))
                rows.Add(new DerivedColumnSpec(name, DerivedColumnKind.Domain, Required(source["domain(".Length..^1].Trim(), spec)));
            else if (function is null && name.Equals("domain", StringComparison.OrdinalIgnoreCase) && IsBareColumn(source))
                rows.Add(new DerivedColumnSpec(name, DerivedColumnKind.Domain, source));
            else
                rows.Add(new DerivedColumnSpec(name, DerivedColumnKind.Expression, "", source));
        }
        return (rows, computed);
    }

    private static void ValidateName(string name, string spec)
    {
        if (name.Any(char.IsControl) || name.Contains('"') || name.StartsWith("_trawl", StringComparison.OrdinalIgnoreCase)
            || name.Equals("rowid", StringComparison.OrdinalIgnoreCase))
            throw new UserErrorException($"--derive: '{spec}': '{name}' cannot be a column name");
    }

    /// <summary>"fn" when <paramref name="source"/> is one call "fn(...)"; else null.</summary>
    private static string? FunctionName(string source)
    {
        int open = source.IndexOf('(');
        if (open <= 0 || !source.EndsWith(')'))
            return null;
        string fn = source[..open].Trim();
        if (!fn.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            return null;
        // "f(a) + g(b)" is an expression, not one call.
        int depth = 0;
        for (int i = open; i < source.Length; i++)
        {
            if (source[i] == '(')
                depth++;
            else if (source[i] == ')' && --depth == 0 && i != source.Length - 1)
                return null;
        }
        return fn.ToLowerInvariant();
    }

    private static bool IsBareColumn(string text) =>
        text.Length > 0 && text.All(c => char.IsLetterOrDigit(c) || c is '_' or ' ' or '-' or '.') && !text.Contains("  ");

    private static string Required(string column, string spec) =>
        column.Length > 0 ? column : throw new UserErrorException($"--derive: '{spec}' names no column");

    private static DerivedColumn ParseComputed(string name, string function, string source, string spec)
    {
        int open = source.IndexOf('(');
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
            default:
                if (args.Length != 0)
                    throw new UserErrorException($"--derive: '{spec}': {function}() takes no arguments");
                return new DerivedColumn(name, function == "folder" ? DerivedKind.SourceFolder : DerivedKind.SourceFile);
        }
    }
}
