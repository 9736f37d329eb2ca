using System.CommandLine;
using System.Globalization;
using Trawl.Cli.Progress;
using Trawl.Store;
using Trawl.Store.Sisap;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl search-h5 --base … --queries … --index HNSW32 --k 30 --out result.h5</c>: a challenge submission run.</summary>
internal static class SearchH5Command
{
    public static Command Create(CliTerminal terminal)
    {
        var baseFile = new Option<string>("--base") { Description = "The base vectors (.h5 dataset emb, or a 2-D .npy).", HelpName = "BASE.h5", Required = true };
        var queries = new Option<string>("--queries") { Description = "The query vectors (.h5 or .npy).", HelpName = "Q.h5", Required = true };
        var index = new Option<string>("--index") { Description = "The index to build, as a factory string: HNSW32, IVF1024,PQ64,Refine or Flat.", HelpName = "FACTORY", Required = true };
        var k = CommonOptions.PositiveInt("--k", 30, "Neighbours per query.", "K");
        var output = new Option<string>("--out") { Description = "The result file (knns 1-based, dists 1 − score, attributes algo, data, size, buildtime, querytime, params). With several --ef/--nprobe values, one file per value: OUT.ef64.h5, ...", HelpName = "RESULT.h5", Required = true };
        var ef = new Option<string?>("--ef") { Description = "HNSW search beam; a comma list runs one search per value (default 64).", HelpName = "N[,N...]" };
        var nprobe = new Option<string?>("--nprobe") { Description = "IVF lists visited; a comma list runs one search per value (default 16).", HelpName = "N[,N...]" };
        var refine = new Option<int?>("--refine") { Description = "With ,Refine: candidates re-ranked exactly per wanted result (default 16).", HelpName = "N" };
        OptionRange.Require(refine, 1, 10_000, "--refine must be a number from 1 to 10000");
        var efConstruction = CommonOptions.PositiveInt("--ef-construction", 100, "HNSW: beam width while inserting.");
        var seed = new Option<int>("--seed") { Description = "Seed of every random choice in the build.", DefaultValueFactory = _ => 42, HelpName = "N" };
        var threads = new Option<int?>("--threads") { Description = "Build and search threads (default: all cores).", HelpName = "N" };
        OptionRange.Require(threads, 1, 4096, "--threads must be a number from 1 to 4096");
        var gold = new Option<string?>("--gold") { Description = "Also report each run's recall@k against this gold standard.", HelpName = "GOLD.h5" };
        var baseDataset = new Option<string?>("--base-dataset") { Description = "The HDF5 dataset holding the base (default: emb).", HelpName = "NAME" };
        var queriesDataset = new Option<string?>("--queries-dataset") { Description = "The HDF5 dataset holding the queries (default: emb).", HelpName = "NAME" };
        var json = CommonOptions.Json("the runs");
        var command = new Command("search-h5", "Build an index over a base and search a query set, writing results in the SISAP challenge's submission layout (inner product).")
        {
            baseFile, queries, index, k, output, ef, nprobe, refine, efConstruction, seed, threads, gold, baseDataset, queriesDataset, json,
        };
        command.SetAction(parse =>
        {
            var options = new SisapSearch.Options
            {
                Ef = Numbers(parse.GetValue(ef), "--ef"),
                NProbe = Numbers(parse.GetValue(nprobe), "--nprobe"),
                RefineFactor = parse.GetValue(refine),
                EfConstruction = parse.GetValue(efConstruction),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                Gold = parse.GetValue(gold),
                BaseDataset = parse.GetValue(baseDataset),
                QueriesDataset = parse.GetValue(queriesDataset),
            };
            var report = SisapProgressDisplay.Run(terminal, (progress, cancel) =>
                SisapSearch.Execute(parse.GetValue(baseFile)!, parse.GetValue(queries)!, parse.GetValue(index)!, parse.GetValue(k), parse.GetValue(output)!, options, progress, cancel));
            if (parse.GetValue(json))
            {
                SisapJson.Write(terminal, report);
                return CliExitCode.Ok;
            }
            var c = CultureInfo.InvariantCulture;
            terminal.Out.WriteLine(string.Create(c, $"{report.Factory} over {report.BaseRows:N0} vectors, built in {report.BuildSeconds:0.##} s; {report.Queries:N0} queries, k = {report.K}"));
            foreach (var run in report.Runs)
                terminal.Out.WriteLine(string.Create(c, $"  {run.Params,-22} {run.QueriesPerSecond,10:N0} QPS{(run.Recall is { } r ? $"  recall@{report.K} {r:0.0000}" : "")}  {run.Path}"));
            return CliExitCode.Ok;
        });
        return command;
    }

    private static List<int> Numbers(string? text, string option)
    {
        var list = new List<int>();
        if (text is null) return list;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 1_000_000)
                throw new UserErrorException($"{option} '{part}': expected positive whole numbers separated by commas");
            list.Add(n);
        }
        return list;
    }
}
