using System.CommandLine;
using System.Globalization;

namespace Trawl.Cli.Commands;

/// <summary>
/// Range checks for numeric options. They read the raw token: a token that is not a number is
/// left to the parser's own "cannot parse" error (reading the value here would throw).
/// </summary>
internal static class OptionRange
{
    public static void Require<T>(Option<T> option, long min, long max, string message)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1
                && long.TryParse(result.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
                && (value < min || value > max))
                result.AddError(message);
        });
    }
}
