using System.Diagnostics;

namespace Trawl.Testing;

/// <summary>
/// What a test needs from outside the repository: ../shared/data, Chromium, h5py, a ClickHouse server, chDB, ...
/// When it is absent the test is reported as skipped (never as passed); under CI=true it fails instead, because CI
/// installs everything the tests need and a missing piece there is a broken set-up, not a reason to skip.
/// Use with <c>[SkippableFact]</c> / <c>[SkippableTheory]</c> (Xunit.SkippableFact).
/// </summary>
internal static class Requirements
{
    public static bool InCi => Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>Skips (or fails under CI) with <paramref name="why"/> unless <paramref name="present"/>.</summary>
    public static void Require(bool present, string why)
    {
        if (present)
            return;
        if (InCi)
            throw new InvalidOperationException("required under CI=true but missing: " + why);
        throw new SkipException(why);
    }

    /// <summary>The repository root: the folder holding Trawl.slnx above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Trawl.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Trawl.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// The path of a file or folder under ../shared/data; skips (fails under CI) when it is absent.
    /// The main checkout has shared/ as its sibling; git worktrees sit deeper, so every ancestor is tried.
    /// </summary>
    public static string SharedData(string relative)
    {
        string? found = FindSharedData(relative);
        Require(found is not null, $"shared/data/{relative} is not there (the shared test data lives beside the repository)");
        return found!;
    }

    public static string? FindSharedData(string relative)
    {
        for (var up = new DirectoryInfo(RepositoryRoot()).Parent; up is not null; up = up.Parent)
        {
            string path = Path.Combine(up.FullName, "shared", "data", relative);
            if (File.Exists(path) || Directory.Exists(path))
                return path;
        }
        return null;
    }

    /// <summary>Debian's python3 (not a pyenv shim) with the given modules importable; skips (fails under CI) otherwise.</summary>
    public static string DebianPython(params string[] modules)
    {
        const string python = "/usr/bin/python3";
        Require(File.Exists(python), python + " is not installed");
        string imports = modules.Length == 0 ? "pass" : "import " + string.Join(", ", modules);
        bool ok = RunQuietly(python, ["-c", imports]);
        Require(ok, $"{python} cannot import {string.Join(", ", modules)} (apt-get install the python3-* packages; .ci/run does)");
        return python;
    }

    /// <summary>An executable on PATH or at an absolute path; skips (fails under CI) when absent.</summary>
    public static string Executable(string name, string installHint)
    {
        string? path = FindExecutable(name);
        Require(path is not null, $"{name} is not installed ({installHint})");
        return path!;
    }

    public static string? FindExecutable(string name)
    {
        if (Path.IsPathRooted(name))
            return File.Exists(name) ? name : null;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static bool RunQuietly(string file, string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in args)
                start.ArgumentList.Add(a);
            using var p = Process.Start(start)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            if (!p.WaitForExit(60_000))
            {
                p.Kill(entireProcessTree: true);
                return false;
            }
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
