using System.Diagnostics;
using System.Text;

namespace Trawl.Cli.Tests;

/// <summary>`trawl` as a child process that stops at the named points.</summary>
internal sealed class PausedCli : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _lines = new(0);
    private readonly List<string> _paused = [];

    private PausedCli(Process process) => _process = process;

    public static PausedCli Start(string pauseAt, params string[] args) => Start(pauseAt, new Dictionary<string, string>(), args);

    /// <summary>Also with <paramref name="environment"/> set in the child (e.g. TRAWL_TEST_INGEST_FAIL_AT, TMPDIR).</summary>
    public static PausedCli Start(string pauseAt, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        string cli = typeof(Cli).Assembly.Location;
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(cli);
        foreach (string a in args)
            info.ArgumentList.Add(a);
        info.Environment["TRAWL_TEST_INGEST_PAUSE_AT"] = pauseAt;
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var paused = new PausedCli(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (paused._stderr)
            {
                paused._stderr.AppendLine(e.Data);
                if (e.Data.StartsWith("paused at ", StringComparison.Ordinal))
                    paused._paused.Add(e.Data["paused at ".Length..]);
            }
            paused._lines.Release();
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return paused;
    }

    public void WaitUntilPaused(string point)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (_stderr)
            {
                if (_paused.Contains(point))
                    return;
                if (_process.HasExited)
                    Assert.Fail($"trawl exited with {_process.ExitCode} before pausing at {point}: {_stderr}");
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(2))
                Assert.Fail($"trawl did not pause at {point} within 2 minutes: {_stderr}");
            _lines.Wait(TimeSpan.FromMilliseconds(200));
        }
    }

    public void Continue()
    {
        _process.StandardInput.WriteLine();
        _process.StandardInput.Flush();
    }

    /// <summary>SIGKILL, as kill -9: no finally block or disposal runs in the child.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        Assert.True(_process.WaitForExit(60_000), "the killed ingest did not exit");
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    public int WaitForExit()
    {
        Assert.True(_process.WaitForExit(120_000), "trawl did not finish: " + _stderr);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
