using System.CommandLine;

namespace Trawl.Cli.Commands;

/// <summary>Arguments and options shared by several commands, so they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Argument<string> Dataset() => new("DATASET")
    {
        Description = "The dataset folder (NAME.trawl); \"NAME\" also finds NAME.trawl.",
    };

    public static Option<bool> Json(string what) => new("--json")
    {
        Description = $"Print {what} as JSON instead of a readable table.",
    };

    public static Option<string?> Table(string defaultChoice) => new("--table")
    {
        Description = $"The table to use (default: {defaultChoice}).",
        HelpName = "NAME",
    };

    /// <summary>Int options must be positive; the parser's own error covers non-numbers.</summary>
    public static Option<int> PositiveInt(string name, int defaultValue, string description, string helpName = "N")
    {
        var option = new Option<int>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = helpName,
        };
        OptionRange.Require(option, 1, int.MaxValue, $"{name} must be a number from 1 to {int.MaxValue}");
        return option;
    }
}
