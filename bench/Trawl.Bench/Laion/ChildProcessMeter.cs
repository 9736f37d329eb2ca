using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Trawl.Bench.Laion;

/// <summary>Runs a child process and measures its wall time and peak RSS: VmHWM from /proc/PID/status, polled every
/// 20 ms (a high-water mark, so only the last few milliseconds can be missed). The kernel's ru_maxrss of children is
/// also read, but only as a cross-check: it is the largest child so far and counts a forked child's pages from before
/// its exec (this process's own memory), so it can overstate.</summary>
internal static partial class ChildProcessMeter
{
    public sealed record Result(int ExitCode, TimeSpan Wall, long PeakRssBytes, long ChildrenMaxRssBytes, string Stdout, string Stderr);

    public static Result Run(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
            start.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        long hwm = 0;
        while (!p.WaitForExit(20))
            hwm = Math.Max(hwm, ReadHwm(p.Id));
        p.WaitForExit();
        var wall = clock.Elapsed;
        long maxrss = 0;
        if (getrusage(-1 /* RUSAGE_CHILDREN */, out var usage) == 0)
            maxrss = usage.MaxRssKb * 1024;
        return new Result(p.ExitCode, wall, hwm, maxrss, stdout.Result, stderr.Result);
    }

    private static long ReadHwm(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UtimeSec, UtimeUsec, StimeSec, StimeUsec;
        public long MaxRssKb;
        public long IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NvCsw, NivCsw;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrusage(int who, out RUsage usage);
}
