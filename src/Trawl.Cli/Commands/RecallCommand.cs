using System.CommandLine;
using System.Globalization;
using Trawl.Store.Sisap;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl recall --gold gold.h5 --result result.h5 --k 30</c>: recall as the SISAP challenge scores it.</summary>
internal static class RecallCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var gold = new Option<string>("--gold") { Description = "The gold standard (knns 1-based, dists ascending), e.g. from trawl gold or the challenge's own.", HelpName = "GOLD.h5", Required = true };
        var result = new Option<string>("--result") { Description = "The result to score: knns (queries × k, 1-based ids), as trawl search-h5 writes it.", HelpName = "RESULT.h5", Required = true };
        var k = CommonOptions.PositiveInt("--k", 30, "Score the first k ids of each query (the 2024 challenge used 30; 10 is common).", "K");
        var json = CommonOptions.Json("the score");
        var command = new Command("recall", "Score a result file against a gold standard: the share of each query's true top-k found among its first k ids, averaged over queries (ties at the k-th distance forgiven). Wrong shapes and 0-based ids are errors; more than k ids are flagged.")
        {
            gold, result, k, json,
        };
        command.SetAction(parse =>
        {
            var report = SisapRecall.Run(parse.GetValue(gold)!, parse.GetValue(result)!, parse.GetValue(k));
            if (parse.GetValue(json))
            {
                SisapJson.Write(terminal, report);
                return CliExitCode.Ok;
            }
            var c = CultureInfo.InvariantCulture;
            terminal.Out.WriteLine(string.Create(c, $"recall@{report.K}: {report.Recall:0.0000} over {report.Queries:N0} queries (lowest query: {report.MinQueryRecall:0.00})"));
            foreach (var (name, value) in report.ResultAttributes) terminal.Out.WriteLine($"  {name}: {value}");
            foreach (string flag in report.Flags) terminal.Err.WriteLine("trawl: note: " + flag);
            return CliExitCode.Ok;
        });
        return command;
    }
}
