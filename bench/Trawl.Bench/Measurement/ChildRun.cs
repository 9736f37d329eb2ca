namespace Trawl.Bench.Measurement;

/// <summary>What one child process did: exit code, wall time, peak resident memory (VmHWM) and the
/// tail of its output (for error messages).</summary>
internal sealed record ChildRun(string Command, int ExitCode, TimeSpan Wall, long PeakRssBytes, string Output)
{
    public double PeakRssMb => PeakRssBytes / (1024.0 * 1024.0);

    /// <summary>Throws with the command's output when it failed.</summary>
    public ChildRun EnsureSuccess()
    {
        if (ExitCode != 0)
            throw new InvalidOperationException($"'{Command}' exited with {ExitCode}:\n{Output}");
        return this;
    }
}
