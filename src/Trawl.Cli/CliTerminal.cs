namespace Trawl.Cli;

/// <summary>
/// Where a command writes and what it may assume about the screen: tests pass string writers
/// (never terminals), Program passes the real console.
/// </summary>
/// <param name="Out">Results (tables, JSON, CSV).</param>
/// <param name="Err">Messages, errors and progress.</param>
/// <param name="OutIsTerminal">Out is an interactive screen: colours and the console's width may be used.</param>
/// <param name="ErrIsTerminal">Err is an interactive screen: progress bars may be drawn there.</param>
/// <param name="Cancel">Signalled on Ctrl+C.</param>
internal sealed record CliTerminal(TextWriter Out, TextWriter Err, bool OutIsTerminal, bool ErrIsTerminal, CancellationToken Cancel)
{
    /// <summary>Opens standard input (for a source named <c>-</c> or <c>/dev/stdin</c>); tests pass their own bytes.</summary>
    public Func<Stream> OpenInput { get; init; } = Console.OpenStandardInput;
}
