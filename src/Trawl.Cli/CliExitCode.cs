namespace Trawl.Cli;

/// <summary>The process exit codes of <c>trawl</c>.</summary>
internal static class CliExitCode
{
    public const int Ok = 0;
    /// <summary>A mistake in the input or the request: bad arguments, a missing file, malformed data.</summary>
    public const int UserError = 1;
    /// <summary>A bug or an environment failure; the message names the exception type.</summary>
    public const int InternalError = 2;
    /// <summary>Stopped by Ctrl+C.</summary>
    public const int Interrupted = 130;
}
