using System.Diagnostics;
using System.Text.Json;

namespace Trawl.Bench.Laion;

/// <summary>DuckDB through node and @duckdb/node-api installed by ../shared/bench/setup-peers.sh in PEERS_DIR.</summary>
internal static class DuckDb
{
    public static string PeersDir =>
        Environment.GetEnvironmentVariable("PEERS_DIR") is { Length: > 0 } d ? d : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "trawl-peers");

    public static bool Available => Directory.Exists(Path.Combine(PeersDir, "node_modules", "@duckdb", "node-api"));

    /// <summary>Runs the statements in one DuckDB session; per statement its wall and CPU (all threads) milliseconds and result rows.</summary>
    public static List<(double Ms, JsonElement Rows, double CpuMs)> Run(params string[] statements)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoRoot(), "bench", "Trawl.Bench", "Laion", "duckdb_sql.js"));
        foreach (string s in statements)
            start.ArgumentList.Add(s);
        start.Environment["NODE_PATH"] = Path.Combine(PeersDir, "node_modules");
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var results = new List<(double, JsonElement, double)>();
        while (p.StandardOutput.ReadLine() is { } line)
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            results.Add((root.GetProperty("ms").GetDouble(), root.GetProperty("rows").Clone(),
                root.TryGetProperty("cpu_ms", out var cpu) ? cpu.GetDouble() : double.NaN));
        }
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException("duckdb: " + stderr.Result);
        return results;
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Trawl.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Trawl.slnx not found above " + AppContext.BaseDirectory);
    }

    public static string Literal(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
}
