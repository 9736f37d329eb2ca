namespace Trawl.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        // The first Ctrl+C asks the running command to stop cleanly (an ingest then leaves the
        // dataset as it was); a second one ends the process at once.
        Console.CancelKeyPress += (_, e) =>
        {
            if (cancel.IsCancellationRequested || !Interrupts.CommandStopsCleanly)
                return;
            e.Cancel = true;
            cancel.Cancel();
        };
        var terminal = new CliTerminal(Console.Out, Console.Error, !Console.IsOutputRedirected, !Console.IsErrorRedirected, cancel.Token);
        return Cli.Run(args, terminal);
    }
}
