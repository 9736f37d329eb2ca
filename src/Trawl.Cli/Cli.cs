using System.CommandLine;
using System.Reflection;
using Trawl.Cli.Commands;
using Trawl.Formats.Tables;
using Trawl.Store;

namespace Trawl.Cli;

/// <summary>
/// The <c>trawl</c> command line: builds the commands, runs one, and turns exceptions into exit
/// codes and one-line messages (no stack traces for mistakes in the input).
/// </summary>
internal static class Cli
{
    /// <summary>Runs <paramref name="args"/> writing to the given writers (neither is treated as a terminal).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        Run(args, new CliTerminal(output, error, OutIsTerminal: false, ErrIsTerminal: false, CancellationToken.None));

    public static int Run(string[] args, CliTerminal terminal)
    {
        RootCommand root = BuildRootCommand(terminal);
        ParseResult parsed = root.Parse(args);
        if (UnknownOptions.Check(parsed, args) is { } unknown)
        {
            terminal.Err.WriteLine("trawl: " + unknown);
            terminal.Err.Flush();
            return CliExitCode.UserError;
        }
        var invocation = new InvocationConfiguration
        {
            Output = terminal.Out,
            Error = terminal.Err,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return parsed.Invoke(invocation);
        }
        catch (Exception e)
        {
            return ReportFailure(e, terminal.Err);
        }
        finally
        {
            terminal.Out.Flush();
            terminal.Err.Flush();
        }
    }

    internal static RootCommand BuildRootCommand(CliTerminal terminal)
    {
        // clickhouse://HOST:8123/DB opens a pushed database wherever a dataset path is taken.
        Trawl.Store.Contracts.DatasetOpeners.Register(new Trawl.ClickHouse.Datasets.ClickHouseDatasetOpener());
        var root = new RootCommand("Trawl: ingest, search, facet, query and serve AI training datasets (LAION, MusicCaps, COCO, RedPajama...).")
        {
            IngestCommand.Create(terminal),
            InfoCommand.Create(terminal),
            SearchCommand.Create(terminal),
            FacetsCommand.Create(terminal),
            SqlCommand.Create(terminal),
            CatCommand.Create(terminal),
            ServeCommand.Create(terminal),
            DemoCommand.Create(terminal),
            KnnCommand.Create(terminal),
            IndexCommand.Create(terminal),
            ColumnsCommand.Create(terminal),
            PushCommand.Create(terminal),
            EncodeCommand.Create(terminal),
            InventoryCommand.Create(terminal),
            DownloadCommand.Create(terminal),
            DedupeCommand.Create(terminal),
            ExportCommand.Create(terminal),
            GoldCommand.Create(terminal),
            RecallCommand.Create(terminal),
            SearchH5Command.Create(terminal),
            ProjectCommand.Create(terminal),
            SisapCommand.Create(terminal),
        };
        return root;
    }

    /// <summary>The version printed by <c>--version</c>.</summary>
    internal static string Version =>
        typeof(Cli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(Cli).Assembly.GetName().Version?.ToString()
        ?? "0";

    internal static int ReportFailure(Exception e, TextWriter err)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } aggregate)
            e = aggregate.InnerExceptions[0];
        switch (e)
        {
            case OperationCanceledException:
                err.WriteLine("trawl: interrupted");
                return CliExitCode.Interrupted;
            case UserErrorException or DataFormatException or FileNotFoundException or DirectoryNotFoundException:
                err.WriteLine("trawl: " + e.Message);
                return CliExitCode.UserError;
            case NotImplementedException:
                err.WriteLine($"trawl: internal error: this feature is not implemented yet ({e.GetType().FullName}: {e.Message})");
                return CliExitCode.InternalError;
            default:
                err.WriteLine($"trawl: internal error ({e.GetType().FullName}): {e.Message}");
                return CliExitCode.InternalError;
        }
    }
}
