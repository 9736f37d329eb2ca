using Spectre.Console;

namespace Trawl.Cli.Output;

/// <summary>Spectre.Console consoles bound to a command's writers: colours only on a real terminal.</summary>
internal static class Screen
{
    /// <summary>Width used for tables when the output is not a terminal (a file, a pipe, a test).</summary>
    public const int RedirectedWidth = 120;

    public static IAnsiConsole For(TextWriter writer, bool isTerminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!isTerminal)
            console.Profile.Width = RedirectedWidth;
        return console;
    }

    public static IAnsiConsole ForOut(CliTerminal terminal) => For(terminal.Out, terminal.OutIsTerminal);

    public static IAnsiConsole ForErr(CliTerminal terminal) => For(terminal.Err, terminal.ErrIsTerminal);
}
