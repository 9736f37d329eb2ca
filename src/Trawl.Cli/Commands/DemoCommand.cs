using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Trawl.Cli.Demo;
using Trawl.Cli.Progress;
using Trawl.Server;
using Trawl.Store;
using Trawl.Store.Ingest;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl demo</c>: generates a LAION-like sample, ingests it and serves it.</summary>
internal static class DemoCommand
{
    public const string DatasetName = "demo.trawl";
    public const string TableName = "laion_sample";

    public static Command Create(CliTerminal terminal)
    {
        var rows = new Option<int>("--rows") { Description = "How many rows to generate.", DefaultValueFactory = _ => 100_000, HelpName = "N" };
        OptionRange.Require(rows, 1, 50_000_000, "--rows must be between 1 and 50,000,000");
        var dir = new Option<string>("--dir") { Description = "Folder in which to create demo.trawl (replaced if it exists).", DefaultValueFactory = _ => ".", HelpName = "PATH" };
        var port = new Option<int>("--port") { Description = "Port to serve on at 127.0.0.1.", DefaultValueFactory = _ => 8001 };
        OptionRange.Require(port, 0, 65535, "--port must be between 0 and 65535");
        var noServe = new Option<bool>("--no-serve") { Description = "Build the dataset and stop, without serving it." };
        var seed = new Option<long>("--seed") { Description = "Random seed: the same seed gives the same rows.", DefaultValueFactory = _ => 1 };

        var command = new Command("demo", "Generate a LAION-like sample dataset (captions, image URLs over ~1,000 domains, sizes, licenses, NSFW tags, CLIP similarity, and a few hostile values), ingest it into demo.trawl and serve it at http://127.0.0.1:8001.")
        {
            rows, dir, port, noServe, seed,
        };
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(dir)!;
            string datasetPath = folder is "." or "" ? DatasetName : Path.Combine(folder, DatasetName);
            Build(terminal, datasetPath, parse.GetValue(rows), parse.GetValue(seed));
            if (!parse.GetValue(noServe))
                ServeCommand.Serve(terminal, [datasetPath], new ServerOptions { Port = parse.GetValue(port) });
            return CliExitCode.Ok;
        });
        return command;
    }

    /// <summary>Writes the sample CSV to a temporary folder, ingests it into <paramref name="datasetPath"/> (replacing it) and prints what to try next.</summary>
    internal static IngestReport Build(CliTerminal terminal, string datasetPath, int rows, long seed)
    {
        var c = CultureInfo.InvariantCulture;
        RemoveOldDemo(terminal, datasetPath);
        string work = Path.Combine(Path.GetTempPath(), "trawl-demo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var clock = Stopwatch.StartNew();
            string csv = Path.Combine(work, TableName + ".csv");
            DemoDataGenerator.WriteCsv(csv, rows, seed);
            terminal.Err.WriteLine($"trawl: generated {rows.ToString("N0", c)} LAION-like rows (seed {seed}) in {clock.Elapsed.TotalSeconds.ToString("0.0", c)} s");

            var request = new IngestRequest
            {
                Sources = [csv],
                Table = TableName,
                SearchColumns = ["TEXT"],
                DeriveDomain = new Dictionary<string, string> { ["domain"] = "URL" },
                DedupeColumns = ["URL", "TEXT"],
                IndexColumns = ["domain", "NSFW"],
                Mode = IngestMode.Replace,
            };
            IngestReport report = IngestProgressDisplay.Run(terminal, (progress, cancel) => DatasetIngest.Run(datasetPath, request, progress, cancel));
            terminal.Out.WriteLine(IngestCommand.Summary(datasetPath, report));
            clock.Restart();
            long vectors = DemoEmbeddings.WriteVectorSet(datasetPath, TableName, "TEXT", seed);
            terminal.Err.WriteLine($"trawl: wrote {vectors.ToString("N0", c)} '{DemoEmbeddings.SetName}' vectors ({DemoEmbeddings.Dimension}-dim f16, from the captions' words) in {clock.Elapsed.TotalSeconds.ToString("0.0", c)} s");
            terminal.Out.WriteLine($"""
                Try:
                  trawl info {datasetPath}
                  trawl search {datasetPath} "cat" --limit 5
                  trawl facets {datasetPath} --column domain
                  trawl facets {datasetPath} --column NSFW --search "golden retriever"
                  trawl knn {datasetPath} --row 0 --k 5
                  trawl sql {datasetPath} "select NSFW, count(*), avg(similarity) from {TableName} group by NSFW"
                """);
            return report;
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Deletes a previous demo dataset, but never a folder that does not look like a dataset.</summary>
    private static void RemoveOldDemo(CliTerminal terminal, string datasetPath)
    {
        if (File.Exists(datasetPath))
            throw new UserErrorException($"{datasetPath}: is a file; remove it or pass another --dir");
        if (!Directory.Exists(datasetPath))
            return;
        // A dataset has meta.db; an interrupted first ingest leaves only its lock and temporary files.
        bool looksLikeDataset = File.Exists(Path.Combine(datasetPath, "meta.db"))
            || Directory.EnumerateFileSystemEntries(datasetPath).All(e => Path.GetFileName(e) is var name
                && (name == "ingest.lock" || name.StartsWith("meta.db", StringComparison.Ordinal)));
        if (!looksLikeDataset)
            throw new UserErrorException($"{datasetPath}: exists and is not a Trawl dataset (no meta.db); not replacing it");
        terminal.Err.WriteLine($"trawl: replacing the existing {datasetPath}");
        Directory.Delete(datasetPath, recursive: true);
    }
}
