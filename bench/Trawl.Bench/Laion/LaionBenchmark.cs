using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Trawl.Formats.Parquet;
using Trawl.Formats.Tables;

namespace Trawl.Bench.Laion;

/// <summary>
/// <c>laion [--rows 1000000] [--dir /tmp/trawl-laion] [--dim 768] [--decode-only] [--rounds 5]</c>: one synthetic LAION-like part, then
/// (1) the whole <c>trawl ingest</c> of it as a child process (FTS on TEXT, the NSFW filter, URL+TEXT dedupe,
/// a domain column and the f16 image vectors): wall time and peak RSS against the targets (30 s, 2 GB);
/// (2) Parquet decode alone (every column, every value) against DuckDB's
/// <c>SELECT count(*), sum(length(TEXT)), sum(WIDTH)</c> on the same file in the same run.
/// Prints JSON lines {bench, what, figure, unit, reference, reference_figure, ratio}.
/// </summary>
internal static class LaionBenchmark
{
    /// <summary>Rows per batch, as the ingest reads them.</summary>
    private const int BatchRows = 8192;

    public static int Run(string[] args)
    {
        int rows = 1_000_000, dim = 768, rounds = 5;
        bool decodeOnly = false;
        string dir = "/tmp/trawl-laion";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": rows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dim": dim = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dir": dir = args[++i]; break;
                case "--rounds": rounds = Math.Max(1, int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                case "--decode-only": decodeOnly = true; break;
                default: Console.Error.WriteLine($"laion: unknown argument {args[i]}"); return 2;
            }
        }
        if (!DuckDb.Available)
        {
            Console.Error.WriteLine($"laion: DuckDB (@duckdb/node-api) is not in {DuckDb.PeersDir}; run bash ../shared/bench/setup-peers.sh (it writes the Parquet input and is the decode reference)");
            return 1;
        }
        dir = Path.Combine(dir, $"rows{rows}-dim{dim}");
        var clock = Stopwatch.StartNew();
        LaionData.Generate(dir, rows, dim);
        // The generated vectors are garbage now; give their memory back before measuring anything.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Console.Error.WriteLine($"laion: input ready in {dir} ({clock.Elapsed.TotalSeconds:0.0} s; parquet {new FileInfo(LaionData.Parquet(dir)).Length / 1e6:0.0} MB, npy {new FileInfo(LaionData.Npy(dir)).Length / 1e6:0.0} MB)");

        if (!decodeOnly)
            Ingest(dir, rows);
        Decode(dir, rounds);
        return 0;
    }

    private static void Ingest(string dir, int rows)
    {
        string dataset = Path.Combine(dir, "laion.trawl");
        if (Directory.Exists(dataset))
            Directory.Delete(dataset, recursive: true);
        string trawl = Path.Combine(AppContext.BaseDirectory, "trawl.dll");
        string[] args =
        [
            trawl, "ingest", dataset, LaionData.Parquet(dir), "--vectors", "image=" + LaionData.Npy(dir),
            "--where", "NSFW IS NOT NULL AND NSFW <> 'NSFW'", "--dedupe", "URL,TEXT", "--search", "TEXT", "--derive", "domain=URL", "--json",
        ];
        var result = ChildProcessMeter.Run("dotnet", args);
        if (result.ExitCode != 0)
        {
            Console.Error.WriteLine($"laion: trawl ingest failed ({result.ExitCode}): {result.Stderr}");
            Print("ingest", "trawl ingest of one part: could not be measured (the ingest failed)", double.NaN, "s", "target", 30);
            return;
        }
        using var report = JsonDocument.Parse(result.Stdout);
        long kept = report.RootElement.GetProperty("rows_kept").GetInt64();
        Console.Error.WriteLine($"laion: ingest kept {kept:N0} of {rows:N0} rows; VmHWM {result.PeakRssBytes / 1048576.0:0} MiB, ru_maxrss of children {result.ChildrenMaxRssBytes / 1048576.0:0} MiB (cross-check, can overstate)");
        string what = $"trawl ingest of one {rows:N0}-row part + {rows:N0}x768 f16 vectors (FTS on TEXT, NSFW filter, URL+TEXT dedupe, domain), child process";
        Print("ingest", what + ": wall time", result.Wall.TotalSeconds, "s", "target", 30);
        Print("ingest", what + ": peak RSS", result.PeakRssBytes / 1048576.0, "MiB", "target", 2048);
    }

    private static void Decode(string dir, int rounds)
    {
        string parquet = LaionData.Parquet(dir);
        // Each side several times, alternating; the best of each (the first runs warm the page cache; the machine is shared).
        var times = new List<double>();
        var duckTimes = new List<double>();
        var ratios = new List<double>();
        (long Rows, long TextBytes, long Width) ours = default;
        JsonElement duckRow = default;
        for (int round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            ours = DecodeAll(parquet);
            times.Add(clock.Elapsed.TotalMilliseconds);
            var duck = DuckDb.Run($"SELECT count(*) AS n, sum(length(TEXT)) AS text, sum(WIDTH) AS width FROM read_parquet({DuckDb.Literal(parquet)})");
            duckTimes.Add(duck[0].Ms);
            ratios.Add(times[^1] / duck[0].Ms);
            duckRow = duck[0].Rows[0];
        }
        double best = times.Min(), bestDuck = duckTimes.Min();
        Console.Error.WriteLine($"laion: decode ms trawl [{string.Join(", ", times.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))}] duckdb [{string.Join(", ", duckTimes.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))}]; "
            + $"median trawl {Median(times):0} ms, duckdb {Median(duckTimes):0} ms, median of per-round ratios {Median(ratios):0.00}; load {File.ReadAllText("/proc/loadavg").Trim()}");
        string duckText = duckRow.GetRawText();
        bool same = Number(duckRow, "n") == ours.Rows && Number(duckRow, "text") == ours.TextBytes && Number(duckRow, "width") == ours.Width;
        Console.Error.WriteLine($"laion: ours rows={ours.Rows} text_bytes={ours.TextBytes} width={ours.Width}; duckdb {duckText}; results agree (ASCII text, so characters = bytes): {same}");
        Print("parquet-decode", $"ParquetTableReader, all 8 columns, every value decoded into batches of {BatchRows} (best of {rounds}) vs DuckDB SELECT count(*), sum(length(TEXT)), sum(WIDTH) (best of {rounds}, same run)",
            best / 1000, "s", "duckdb", bestDuck / 1000);
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static long Number(JsonElement row, string name)
    {
        var v = row.GetProperty(name);
        return v.ValueKind == JsonValueKind.String ? long.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetInt64();
    }

    private static (long Rows, long TextBytes, long Width) DecodeAll(string parquet)
    {
        using var reader = ParquetTableReader.Open(parquet);
        int text = reader.Schema.IndexOf("TEXT"), width = reader.Schema.IndexOf("WIDTH");
        var batch = new ColumnBatch(reader.Schema.Count, BatchRows);
        long rows = 0, textBytes = 0, widthSum = 0;
        while (reader.ReadBatch(batch, BatchRows))
        {
            var t = batch[text];
            var w = batch[width];
            for (int r = 0; r < batch.RowCount; r++)
            {
                if (t.KindAt(r) == ValueKind.Text) textBytes += t.BytesAt(r).Length;
                if (w.KindAt(r) == ValueKind.Int64) widthSum += w.Int64At(r);
            }
            rows += batch.RowCount;
        }
        return (rows, textBytes, widthSum);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void Print(string what, string description, double figure, string unit, string reference, double referenceFigure)
    {
        var line = new Dictionary<string, object?>
        {
            ["bench"] = "laion",
            ["what"] = $"{what}: {description}",
            ["figure"] = double.IsNaN(figure) ? null : Math.Round(figure, 3),
            ["unit"] = unit,
            ["reference"] = reference,
            ["reference_figure"] = Math.Round(referenceFigure, 3),
            ["ratio"] = double.IsNaN(figure) ? null : Math.Round(figure / referenceFigure, 3),
        };
        Console.WriteLine(JsonSerializer.Serialize(line, JsonOptions));
    }
}
