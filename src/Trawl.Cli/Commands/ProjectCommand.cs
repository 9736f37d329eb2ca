using System.CommandLine;
using System.Globalization;
using Trawl.Cli.Progress;
using Trawl.Store.Sisap;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl project pca|sketch|apply</c>: PCA and binary-sketch projections of vectors, as the SISAP challenge's pca32/pca96/hamming files.</summary>
internal static class ProjectCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var command = new Command("project", "Fit and apply projections of vectors: PCA to fewer dimensions, or binary sketches searched by Hamming distance; each reports the recall@10 it keeps.")
        {
            Pca(terminal), Sketch(terminal), Apply(terminal),
        };
        return command;
    }

    private static Option<string> Train() => new("--train") { Description = "The vectors to fit on (.h5 dataset emb, or a 2-D .npy).", HelpName = "BASE.h5", Required = true };
    private static Option<string> Model() => new("--model") { Description = "The model file to write (HDF5).", HelpName = "MODEL.h5", Required = true };
    private static Option<string?> Queries() => new("--queries") { Description = "Query vectors: after fitting, report the recall@k that search in the projected space keeps against exact search on the training vectors.", HelpName = "Q.h5" };
    private static Option<string?> DatasetOption() => new("--dataset") { Description = "The HDF5 dataset holding the vectors (default: emb, or the only 2-D float dataset).", HelpName = "NAME" };

    private static Command Pca(CliTerminal terminal)
    {
        var dims = new Option<int>("--dims") { Description = "Output dimensions (the challenge publishes 32 and 96).", HelpName = "N", Required = true };
        OptionRange.Require(dims, 1, 65536, "--dims must be a number from 1 to 65536");
        var train = Train();
        var sample = new Option<long?>("--sample") { Description = "Fit on this many evenly spaced rows (default: all).", HelpName = "N" };
        OptionRange.Require(sample, 2, long.MaxValue, "--sample must be at least 2");
        var model = Model();
        var queries = Queries();
        var k = CommonOptions.PositiveInt("--k", 10, "k of the recall reported with --queries.", "K");
        var dataset = DatasetOption();
        var json = CommonOptions.Json("the report");
        var command = new Command("pca", "Fit a PCA (covariance and its eigenvectors) and write the model: mean, components, variances.")
        {
            dims, train, sample, model, queries, k, dataset, json,
        };
        command.SetAction(parse =>
        {
            var report = SisapProgressDisplay.Run(terminal, (progress, cancel) => SisapProjection.FitPca(parse.GetValue(train)!, parse.GetValue(dims), parse.GetValue(sample),
                parse.GetValue(model)!, parse.GetValue(dataset), parse.GetValue(queries), parse.GetValue(k), progress, cancel));
            Print(terminal, report, parse.GetValue(json));
            return CliExitCode.Ok;
        });
        return command;
    }

    private static Command Sketch(CliTerminal terminal)
    {
        var bits = new Option<int>("--bits") { Description = "Bits per sketch (the challenge publishes 1024).", DefaultValueFactory = _ => 1024, HelpName = "N" };
        OptionRange.Require(bits, 1, 65536, "--bits must be a number from 1 to 65536");
        var train = Train();
        var sample = new Option<long?>("--sample") { Description = "Rows the centring mean is taken from (default: 100,000 evenly spaced).", HelpName = "N" };
        OptionRange.Require(sample, 1, long.MaxValue, "--sample must be positive");
        var seed = new Option<int>("--seed") { Description = "Seed of the random hyperplanes.", DefaultValueFactory = _ => 42, HelpName = "N" };
        var model = Model();
        var queries = Queries();
        var k = CommonOptions.PositiveInt("--k", 10, "k of the recall reported with --queries.", "K");
        var dataset = DatasetOption();
        var json = CommonOptions.Json("the report");
        var command = new Command("sketch", "Make a binary sketcher (random hyperplanes through the mean: bit b is the sign of the centred vector's dot product with plane b) and write the model.")
        {
            bits, train, sample, seed, model, queries, k, dataset, json,
        };
        command.SetAction(parse =>
        {
            var report = SisapProgressDisplay.Run(terminal, (progress, cancel) => SisapProjection.FitSketch(parse.GetValue(train)!, parse.GetValue(bits), parse.GetValue(sample),
                parse.GetValue(seed), parse.GetValue(model)!, parse.GetValue(dataset), parse.GetValue(queries), parse.GetValue(k), progress, cancel));
            Print(terminal, report, parse.GetValue(json));
            return CliExitCode.Ok;
        });
        return command;
    }

    private static Command Apply(CliTerminal terminal)
    {
        var model = new Option<string>("--model") { Description = "A model written by trawl project pca or sketch.", HelpName = "MODEL.h5", Required = true };
        var input = new Argument<string>("IN") { Description = "The vectors to project (.h5 or .npy)." };
        var output = new Option<string>("--out") { Description = "The file to write: dataset pca{dims} (float32) or hamming (uint64 words, bit b of a sketch is bit b % 64 of word b / 64).", HelpName = "OUT.h5", Required = true };
        var dataset = DatasetOption();
        var json = CommonOptions.Json("the report");
        var command = new Command("apply", "Apply a projection model to vectors and write the projected vectors as HDF5.")
        {
            model, input, output, dataset, json,
        };
        command.SetAction(parse =>
        {
            var report = SisapProgressDisplay.Run(terminal, (progress, cancel) =>
                SisapProjection.Apply(parse.GetValue(model)!, parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(dataset), progress, cancel));
            if (parse.GetValue(json)) SisapJson.Write(terminal, report);
            else terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {report.Path}: {report.Dataset} ({report.Rows:N0} × {report.Dimension})"));
            return CliExitCode.Ok;
        });
        return command;
    }

    private static void Print(CliTerminal terminal, SisapProjection.FitReport report, bool json)
    {
        if (json)
        {
            SisapJson.Write(terminal, report);
            return;
        }
        var c = CultureInfo.InvariantCulture;
        string what = report.Kind == SisapProjection.Kind.Pca ? $"PCA {report.InputDimension} → {report.OutputDimension}" : $"{report.OutputDimension}-bit sketches of {report.InputDimension}-d vectors";
        string explained = report.ExplainedVariance is { } v ? string.Create(c, $"; explains {v:P1} of the variance") : "";
        terminal.Out.WriteLine(string.Create(c, $"wrote {report.Model}: {what}, fitted on {report.TrainRows:N0} rows in {report.Seconds:0.##} s{explained}"));
        if (report.Recall is { } r)
            terminal.Out.WriteLine(string.Create(c, $"recall@{r.K} kept: {r.Recall:0.0000} over {r.Queries:N0} queries (projected search {r.ProjectedSearchSeconds:0.###} s, exact {r.OriginalSearchSeconds:0.###} s)"));
    }
}
