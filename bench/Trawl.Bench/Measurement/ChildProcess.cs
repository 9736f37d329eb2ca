using System.Diagnostics;
using System.Text;

namespace Trawl.Bench.Measurement;

/// <summary>
/// Runs a command as a child process and measures its wall time and peak resident set size by
/// polling VmHWM in /proc/PID/status (the kernel's own high-water mark, so polling only has to
/// catch the process alive, not at its peak; growth in the last poll interval before exit is missed).
/// </summary>
internal static class ChildProcess
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);
    private const int OutputTailChars = 8000;

    /// <param name="standardInput">Text written to the child's stdin, which is then closed; null leaves stdin alone.</param>
    public static ChildRun Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, string? standardInput = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string a in arguments)
            info.ArgumentList.Add(a);
        string command = fileName + " " + string.Join(' ', info.ArgumentList.Select(a => a.Contains(' ') ? "'" + a + "'" : a));

        var output = new StringBuilder();
        void Append(string? line)
        {
            if (line is null)
                return;
            lock (output)
            {
                output.AppendLine(line);
                if (output.Length > 2 * OutputTailChars)
                    output.Remove(0, output.Length - OutputTailChars);
            }
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }

        long peak = 0;
        string statusPath = $"/proc/{process.Id}/status";
        while (!process.WaitForExit(PollInterval))
            peak = Math.Max(peak, ReadHighWaterMark(statusPath));
        clock.Stop();
        process.WaitForExit(); // drains the output readers
        lock (output)
            return new ChildRun(command, process.ExitCode, clock.Elapsed, peak, output.ToString());
    }

    /// <summary>VmHWM of a live process in bytes, or 0 when it is gone or not readable.</summary>
    internal static long ReadHighWaterMark(string statusPath)
    {
        try
        {
            foreach (string line in File.ReadLines(statusPath))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[1]) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 0;
    }
}
