using System.CommandLine;

namespace Trawl.Cli.Tests;

public sealed class UnknownOptionTests
{
    private static RootCommand Root() => Cli.BuildRootCommand(new CliTerminal(TextWriter.Null, TextWriter.Null, false, false, CancellationToken.None));

    /// <summary>Every command and subcommand, as the words that call it.</summary>
    public static TheoryData<string> CommandPaths()
    {
        var data = new TheoryData<string>();
        void Walk(Command c, string prefix)
        {
            foreach (Command sub in c.Subcommands)
            {
                string path = (prefix + " " + sub.Name).Trim();
                data.Add(path);
                Walk(sub, path);
            }
        }
        Walk(Root(), "");
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void Unknown_option_is_an_error_naming_it_on_every_command(string command)
    {
        foreach (string[] tail in new[] { new[] { "--no-such-option", "a", "b" }, new[] { "a", "b", "--no-such-option" }, new[] { "a", "--no-such-option=3", "b" } })
        {
            string[] args = [.. command.Split(' '), .. tail];
            var run = CliRun.Of(args);
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("--no-such-option", run.Err);
            Assert.Contains("unknown option", run.Err);
            Assert.Contains("trawl " + command, run.Err);
            Assert.DoesNotContain("no such file", run.Err);
        }
    }

    [Fact]
    public void Ingest_with_an_option_that_does_not_exist_names_the_option_not_a_file()
    {
        var run = CliRun.Of("ingest", "d.trawl", "a.json.gz", "--attributes-of-typo", "docs");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("unknown option --attributes-of-typo", run.Err);
    }

    [Fact]
    public void Negative_numbers_and_names_after_double_dash_are_arguments()
    {
        Assert.Null(UnknownOptions.Check(Root().Parse(["sql", "d.trawl", "-1"]), ["sql", "d.trawl", "-1"]));
        string[] args = ["ingest", "d.trawl", "--", "-odd-name.csv"];
        Assert.Null(UnknownOptions.Check(Root().Parse(args), args));
    }
}
