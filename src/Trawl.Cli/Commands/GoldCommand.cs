using System.CommandLine;
using System.Globalization;
using Trawl.Cli.Progress;
using Trawl.Store.Sisap;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl gold --base BASE --queries Q --k 100 --out gold.h5</c>: exact neighbours in the challenge's gold-standard layout.</summary>
internal static class GoldCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var baseFile = new Option<string>("--base") { Description = "The base vectors: an HDF5 file (dataset emb, or --base-dataset) or a 2-D .npy.", HelpName = "BASE.h5", Required = true };
        var queries = new Option<string>("--queries") { Description = "The query vectors (.h5 or .npy).", HelpName = "Q.h5", Required = true };
        var k = CommonOptions.PositiveInt("--k", 100, "Neighbours per query (the challenge publishes 100).", "K");
        var output = new Option<string>("--out") { Description = "The gold-standard file to write: knns (queries × k, int32, 1-based ids) and dists (1 − dot, float32, ascending).", HelpName = "GOLD.h5", Required = true };
        var float64 = new Option<bool>("--float64") { Description = "Re-rank each query's 2k best float32 candidates with float64 sums, so near-ties are ordered as a float64 computation orders them." };
        var baseDataset = new Option<string?>("--base-dataset") { Description = "The HDF5 dataset holding the base (default: emb, or the only 2-D float dataset).", HelpName = "NAME" };
        var queriesDataset = new Option<string?>("--queries-dataset") { Description = "The HDF5 dataset holding the queries (same default).", HelpName = "NAME" };
        var threads = new Option<int?>("--threads") { Description = "Threads (default: all cores).", HelpName = "N" };
        OptionRange.Require(threads, 1, 4096, "--threads must be a number from 1 to 4096");
        var json = CommonOptions.Json("the summary");
        var command = new Command("gold", "Compute the exact k nearest neighbours (inner product) of every query, written as the SISAP challenge publishes gold standards.")
        {
            baseFile, queries, k, output, float64, baseDataset, queriesDataset, threads, json,
        };
        command.SetAction(parse =>
        {
            var report = SisapProgressDisplay.Run(terminal, (progress, cancel) => SisapGold.Run(parse.GetValue(baseFile)!, parse.GetValue(queries)!, parse.GetValue(k),
                parse.GetValue(output)!, parse.GetValue(float64), parse.GetValue(baseDataset), parse.GetValue(queriesDataset), parse.GetValue(threads), progress, cancel));
            if (parse.GetValue(json))
                SisapJson.Write(terminal, report);
            else
                terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote {report.Path}: {report.Queries:N0} queries × {report.K} neighbours over {report.BaseRows:N0} × {report.Dimension} vectors in {report.Seconds:0.##} s{(report.Float64 ? " (float64 re-rank)" : "")}; "
                    + $"{report.StreamedBytes / 1e9:0.##} GB of the base streamed at {report.GBPerSecond:0.##} GB/s"));
            return CliExitCode.Ok;
        });
        return command;
    }
}
