using System.CommandLine;

namespace Trawl.Cli.Tests;

public sealed class HelpTests
{
    private static RootCommand Root() => Cli.BuildRootCommand(new CliTerminal(TextWriter.Null, TextWriter.Null, false, false, CancellationToken.None));

    public static TheoryData<string> CommandNames()
    {
        var data = new TheoryData<string>();
        foreach (Command c in Root().Subcommands)
            data.Add(c.Name);
        return data;
    }

    [Fact]
    public void Ingest_help_lists_every_option()
    {
        CliRun run = CliRun.Of("ingest", "--help").Ok();
        string[] expected =
        [
            "--table", "--format", "--search", "--no-search", "--pk", "--where", "--flatten", "--json-path",
            "--derive", "--dedupe", "--index", "--append", "--replace", "--json",
        ];
        foreach (string option in expected)
            Assert.Contains(option, run.Out);
        Command ingest = Root().Subcommands.Single(c => c.Name == "ingest");
        foreach (Option option in ingest.Options)
            Assert.Contains(option.Name, run.Out);
        Assert.Contains("DATASET", run.Out);
        Assert.Contains("SOURCE", run.Out);
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Every_option_and_argument_has_a_description_shown_in_help(string name)
    {
        Command command = Root().Subcommands.Single(c => c.Name == name);
        Assert.False(string.IsNullOrWhiteSpace(command.Description));
        CliRun run = CliRun.Of(name, "--help").Ok();
        foreach (Option option in command.Options)
        {
            Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{name} {option.Name} has no description");
            Assert.Contains(option.Name, run.Out);
            Assert.Contains(option.Description!, run.Out.Replace("\n", " ").Replace("  ", " "));
        }
        foreach (Argument argument in command.Arguments)
            Assert.False(string.IsNullOrWhiteSpace(argument.Description), $"{name} {argument.Name} has no description");
    }

    [Fact]
    public void Root_help_lists_every_command()
    {
        CliRun run = CliRun.Of("--help").Ok();
        foreach (string name in new[] { "ingest", "info", "search", "facets", "sql", "cat", "serve", "demo" })
            Assert.Contains(name, run.Out);
    }

    [Fact]
    public void Version_prints_a_version_number()
    {
        CliRun run = CliRun.Of("--version").Ok();
        Assert.Matches(@"^\d+\.\d+\.\d+", run.Out.Trim());
    }

    [Fact]
    public void No_command_is_a_user_error()
    {
        Assert.Equal(1, CliRun.Of().ExitCode);
        Assert.Equal(1, CliRun.Of("frobnicate").ExitCode);
    }

    [Fact]
    public void A_missing_required_option_is_a_user_error_naming_it()
    {
        CliRun run = CliRun.Of("facets", "x.trawl");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--column", run.Err);
    }

    [Fact]
    public void A_non_numeric_limit_is_a_user_error()
    {
        Assert.Equal(1, CliRun.Of("search", "x.trawl", "cat", "--limit", "many").ExitCode);
        Assert.Equal(1, CliRun.Of("search", "x.trawl", "cat", "--limit", "0").ExitCode);
    }
}
