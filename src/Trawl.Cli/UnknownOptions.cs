using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Trawl.Cli;

/// <summary>
/// Finds options the command does not have. System.CommandLine hands a token like <c>--attributes-of</c>
/// to a command's variadic file argument when no option matches it, so it would be read as a file
/// name; any argument token that looks like an option (and is not a number or after <c>--</c>) is an
/// error here instead, the same for every command.
/// </summary>
internal static class UnknownOptions
{
    /// <summary>A message naming the unknown options, or null when there are none.</summary>
    public static string? Check(ParseResult parsed, IReadOnlyList<string> args)
    {
        int doubleDash = args.ToList().IndexOf("--");
        var literal = doubleDash < 0 ? new HashSet<string>() : args.Skip(doubleDash + 1).ToHashSet(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var token in ArgumentTokens(parsed.CommandResult).Concat(parsed.UnmatchedTokens))
        {
            if (LooksLikeOption(token) && !literal.Contains(token) && !unknown.Contains(token))
                unknown.Add(token);
        }
        if (unknown.Count == 0)
            return null;
        string path = CommandPath(parsed.CommandResult);
        string which = unknown.Count == 1 ? "unknown option " + unknown[0] : "unknown options " + string.Join(", ", unknown);
        return $"{path}: {which} (see '{path} --help'; put a file name that starts with '-' after '--')";
    }

    private static IEnumerable<string> ArgumentTokens(CommandResult command) =>
        command.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Select(t => t.Value);

    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-'
        && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? r = command; r is CommandResult c; r = c.Parent)
            names.Add(c.Command is RootCommand ? "trawl" : c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }
}
