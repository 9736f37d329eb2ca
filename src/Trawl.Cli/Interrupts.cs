namespace Trawl.Cli;

/// <summary>
/// Whether the running command stops cleanly when its cancellation token fires. Program only
/// swallows the first Ctrl+C for such commands (ingest, demo, serve, cat); for the others Ctrl+C
/// ends the process at once, as usual, instead of being ignored.
/// </summary>
internal static class Interrupts
{
    private static volatile bool s_handled;

    public static bool CommandStopsCleanly => s_handled;

    /// <summary>Called by a command that watches <see cref="CliTerminal.Cancel"/> from now on.</summary>
    public static void StopCleanly() => s_handled = true;
}
