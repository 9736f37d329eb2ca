using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Trawl.Bench.Ann;

/// <summary>Runs the shared reference scripts (gen_clip_like.py, peers.py) and reads their JSON lines.</summary>
internal sealed class PeerRunner(AnnOptions options)
{
    /// <summary>Runs a script; returns its stdout lines (stderr passes through). Null when it timed out or failed.</summary>
    public List<string>? Run(string script, params string[] args)
    {
        var info = new ProcessStartInfo(options.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(options.SharedBench, script));
        foreach (string a in args) info.ArgumentList.Add(a);
        Console.Error.WriteLine($"ann: running {script} {string.Join(' ', args)}");
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {options.Python}");
        var lines = new List<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (lines) lines.Add(e.Data);
        };
        process.BeginOutputReadLine();
        if (!process.WaitForExit(TimeSpan.FromSeconds(options.PeerTimeoutSeconds)))
        {
            Console.Error.WriteLine($"ann: {script} {string.Join(' ', args)} ran longer than {options.PeerTimeoutSeconds} s; stopped, its figures are missing");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return null;
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"ann: {script} exited with {process.ExitCode}");
            return null;
        }
        lock (lines) return [.. lines];
    }

    /// <summary>peers.py JSON lines as points; memory per vector estimated from each library's layout (see docs).</summary>
    public List<AnnPoint> Points(List<string>? lines, int dim)
    {
        var points = new List<AnnPoint>();
        if (lines is null) return points;
        foreach (string line in lines)
        {
            if (!line.StartsWith('{')) continue;
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            if (!r.TryGetProperty("recall", out var recall) || !r.TryGetProperty("qps", out var qps)) continue;
            string engine = r.GetProperty("engine").GetString()!;
            var p = r.GetProperty("params");
            double? memory = null;
            string param;
            if (p.TryGetProperty("M", out var m))
            {
                int mm = m.GetInt32();
                // hnswlib and faiss keep f32 vectors and 2M level-0 links of 4 bytes (+ a count / label); upper levels add ~1/M of that.
                memory = dim * 4 + (2 * mm + 1) * 4 + 8;
                param = $"M={mm},efC={p.GetProperty("efC").GetInt32()},ef={p.GetProperty("ef").GetInt32()}";
            }
            else
            {
                int pq = p.GetProperty("pq").GetInt32();
                memory = pq + 8; // codes + int64 id
                param = $"nlist={p.GetProperty("nlist").GetInt32()},pq={pq},nprobe={p.GetProperty("nprobe").GetInt32()}";
            }
            points.Add(new AnnPoint(engine, param, r.GetProperty("build_s").GetDouble(), recall.GetDouble(), qps.GetDouble(), memory));
        }
        return points;
    }

    public static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
