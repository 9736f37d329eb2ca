using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Trawl.Bench.Captions;
using Trawl.Bench.Measurement;
using Trawl.Bench.Reporting;
using Trawl.Formats.Compression;
using Trawl.Formats.Parquet.Compression;
using Trawl.Formats.Text;

namespace Trawl.Bench.Corpora;

/// <summary>
/// Text corpora as published (issue 17): ingest of generated .jsonl.zst against
/// <c>zstdcat | sqlite-utils insert --nl</c> + <c>enable-fts</c>; streaming zstd decompression against the
/// <c>zstd</c> tool (and our Parquet page decoder against ZstdSharp on one in-memory frame, which is how the
/// streaming decoder was chosen); cl100k token counting against Microsoft.ML.Tokenizers called directly.
/// </summary>
internal static class CorporaBenchmark
{
    public const string Usage = "[--mb 1000] [--dir DIR] [--out FILE] [--skip-ingest] [--only-ingest] [--generate-only] [--rounds 1] [--no-breakdown] [--trawl PATH] [--baseline PATH]";

    public static int Run(string[] args)
    {
        int mb = 1000;
        string? dir = null, output = null;
        bool skipIngest = false, onlyIngest = false, generateOnly = false, breakdown = true;
        int rounds = 1;
        string? trawlPath = null, baselinePath = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--mb": mb = int.Parse(args[++i]); break;
                case "--dir": dir = args[++i]; break;
                case "--out": output = args[++i]; break;
                case "--skip-ingest": skipIngest = true; break;
                case "--only-ingest": onlyIngest = true; break;
                case "--generate-only": generateOnly = true; break;
                case "--rounds": rounds = int.Parse(args[++i]); break;
                case "--no-breakdown": breakdown = false; break;
                case "--trawl": trawlPath = args[++i]; break;
                case "--baseline": baselinePath = args[++i]; break;
                default: throw new ArgumentException($"corpora: unknown option {args[i]}; usage: corpora {Usage}");
            }
        }
        dir ??= Path.Combine(Path.GetTempPath(), "trawl-bench-corpora");
        Directory.CreateDirectory(dir);
        using var report = new BenchReport(output);
        report.WriteLine(MachineInfo.Write);
        report.WriteLine(json => { json.WriteString("bench", "load"); json.WriteString("loadavg", File.ReadAllText("/proc/loadavg").Trim()); });

        string jsonl = Path.Combine(dir, $"docs-{mb}mb.jsonl");
        string zst = jsonl + ".zst";
        if (!File.Exists(zst))
        {
            BenchReport.Progress($"generating {mb} MB of JSON Lines documents");
            Generate(jsonl, (long)mb << 20);
            BenchReport.Progress("compressing with zstd -3");
            ChildProcess.Run("zstd", ["-q", "-3", "-f", "--rm", jsonl, "-o", zst]).EnsureSuccess();
        }
        long zstBytes = new FileInfo(zst).Length;
        BenchReport.Progress($"{zst}: {zstBytes / 1e6:N0} MB compressed");
        if (generateOnly)
            return 0;

        if (!onlyIngest)
        {
            Decompression(report, zst);
            InMemoryDecoders(report, zst);
            Tokens(report, zst);
        }
        if (!skipIngest)
            Ingest(report, dir, zst, rounds, breakdown, trawlPath, baselinePath);
        report.WriteLine(json => { json.WriteString("bench", "load"); json.WriteString("loadavg", File.ReadAllText("/proc/loadavg").Trim()); });
        return 0;
    }

    /// <summary>Documents of 200–4,000 Zipf-distributed words with an id, a source and a URL, like RedPajama's.</summary>
    private static void Generate(string path, long bytes)
    {
        var vocabulary = Vocabulary.Create(17);
        var zipf = new ZipfSampler(vocabulary.Count, 1.05);
        var random = new SplitMix64(42);
        string[] sources = ["arxiv", "book", "c4", "common_crawl", "github", "stackexchange", "wikipedia"];
        using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        var text = new StringBuilder();
        long written = 0;
        for (long id = 0; written < bytes; id++)
        {
            text.Clear();
            int words = random.Next(200, 4000);
            for (int w = 0; w < words; w++)
            {
                if (w > 0)
                    text.Append(random.Chance(0.05) ? "\\n" : " ");
                text.Append(vocabulary[zipf.Next(ref random)]);
                if (random.Chance(0.06))
                    text.Append(random.Chance(0.5) ? '.' : ',');
            }
            string source = sources[random.Next(0, sources.Length)];
            string line = $"{{\"id\":\"doc-{id}\",\"source\":\"{source}\",\"url\":\"https://{source}.example.org/{id}\",\"text\":\"{text}\"}}";
            file.WriteLine(line);
            written += line.Length + 1;
        }
    }

    private static void Decompression(BenchReport report, string zst)
    {
        long original = 0;
        var buffer = new byte[1 << 20];
        double ours = double.MaxValue;
        for (int run = 0; run < 2; run++)
        {
            var clock = Stopwatch.StartNew();
            using var source = SourceStream.Open(zst);
            long total = 0;
            int n;
            while ((n = source.Read(buffer)) > 0)
                total += n;
            ours = Math.Min(ours, clock.Elapsed.TotalSeconds);
            original = total;
        }
        double cli = double.MaxValue;
        for (int run = 0; run < 2; run++)
            cli = Math.Min(cli, ChildProcess.Run("sh", ["-c", $"zstd -d -c -q '{zst}' > /dev/null"]).EnsureSuccess().Wall.TotalSeconds);
        report.Add(new BenchFigure("corpora", "zstd streaming decompression (SourceStream over ZstdSharp), time", ours, "s", "zstd -d -c > /dev/null", cli), "≤ 1.5 ratio");
        report.Add(new BenchFigure("corpora", "zstd streaming decompression, throughput", original / 1e6 / ours, "MB/s", "zstd -d", original / 1e6 / cli));
    }

    /// <summary>One 64 MB frame decoded in memory: our Parquet page decoder against ZstdSharp's.</summary>
    private static void InMemoryDecoders(BenchReport report, string zst)
    {
        byte[] original = new byte[64 << 20];
        using (var source = SourceStream.Open(zst))
            original = original[..source.ReadAtLeast(original, original.Length, throwOnEndOfStream: false)];
        byte[] frame;
        using (var compressor = new ZstdSharp.Compressor(3))
            frame = compressor.Wrap(original).ToArray();
        byte[] output = new byte[original.Length];
        double ours = Best(3, () => ZstdDecoder.Decompress(frame, output));
        if (!output.AsSpan().SequenceEqual(original))
            throw new InvalidOperationException("our zstd decoder produced different bytes");
        using var decompressor = new ZstdSharp.Decompressor();
        double sharp = Best(3, () => decompressor.Unwrap(frame, output));
        report.Add(new BenchFigure("corpora", "zstd one 64 MB frame in memory, Trawl's Parquet decoder", original.Length / 1e6 / ours, "MB/s", "ZstdSharp.Port 0.8.8 Decompressor.Unwrap", original.Length / 1e6 / sharp));
    }

    private static void Tokens(BenchReport report, string zst)
    {
        // About 40 MB of document texts, as UTF-8 (what the reader hands the counter) and as strings (the direct call).
        var texts = new List<byte[]>();
        long bytes = 0;
        using (var reader = Trawl.Formats.Tables.TableReaders.Open(zst, new Trawl.Formats.Tables.TableReaderOptions { Columns = ["text"] }))
        {
            var batch = new Trawl.Formats.Tables.ColumnBatch(1, 1024);
            while (bytes < 40 << 20 && reader.ReadBatch(batch, 1024))
            {
                for (int r = 0; r < batch.RowCount && bytes < 40 << 20; r++)
                {
                    byte[] t = batch[0].BytesAt(r).ToArray();
                    texts.Add(t);
                    bytes += t.Length;
                }
            }
        }
        string[] strings = texts.Select(t => Encoding.UTF8.GetString(t)).ToArray();
        var counter = new TokenCounter(TokenEncoding.Cl100kBase);
        var direct = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("cl100k_base");
        long tokens = 0, directTokens = 0;
        // Warm both (the tokenizer's cache is shared, so each side runs after a warm-up of its own).
        foreach (var t in strings.Take(200)) direct.CountTokens(t);
        double directTime = double.MaxValue, oursTime = double.MaxValue;
        for (int run = 0; run < 3; run++)
        {
            directTime = Math.Min(directTime, Time(() => { directTokens = 0; foreach (var s in strings) directTokens += direct.CountTokens(s); }));
            oursTime = Math.Min(oursTime, Time(() => { tokens = 0; foreach (var t in texts) tokens += counter.Count(t); }));
        }
        if (tokens != directTokens)
            throw new InvalidOperationException($"token counts differ: {tokens} vs {directTokens}");
        report.Add(new BenchFigure("corpora", "cl100k tokens counted per second from UTF-8 (TokenCounter)", tokens / oursTime, "tokens/s", "Microsoft.ML.Tokenizers CountTokens(string) called directly", tokens / directTime));
        report.Add(new BenchFigure("corpora", "cl100k token counting, time per pass", oursTime, "s", "direct CountTokens(string)", directTime), "≤ 1.10 ratio");
        double words = Time(() => { long w = 0; foreach (var t in texts) w += WordCounter.Count(t); });
        report.Add(new BenchFigure("corpora", "word count throughput (WordCounter)", bytes / 1e6 / words, "MB/s"));
    }

    /// <param name="baseline">Another build of trawl (e.g. the main branch's) run in each round too, before and after
    /// a change in the same run.</param>
    private static void Ingest(BenchReport report, string dir, string zst, int rounds, bool breakdown, string? trawlPath, string? baseline)
    {
        string trawl = trawlPath ?? TrawlExecutable.Locate();
        string dataset = Path.Combine(dir, "bench.trawl");
        string db = Path.Combine(dir, "bench.db");
        string size = $"{new FileInfo(zst).Length / 1e6:N0} MB";
        double oursCpu = 0;
        // Rounds alternate the two sides, so a change in the machine's load falls on both.
        for (int round = 0; round < rounds; round++)
        {
            DeleteDataset(dataset);
            var (ours, cpu) = Timed(trawl, ["ingest", dataset, zst, "--table", "docs", "--search", "text", "--json"]);
            oursCpu = cpu;
            string load = File.ReadAllText("/proc/loadavg").Trim();
            if (baseline is not null)
            {
                DeleteDataset(dataset);
                var (before, beforeCpu) = Timed(baseline, ["ingest", dataset, zst, "--table", "docs", "--search", "text"]);
                report.Add(new BenchFigure("corpora", $"ingest {size} .jsonl.zst with FTS, wall: this build against the baseline build ({baseline})", ours.Wall.TotalSeconds, "s", "baseline build", before.Wall.TotalSeconds));
                report.Add(new BenchFigure("corpora", $"ingest {size} .jsonl.zst with FTS, CPU: this build against the baseline build", cpu, "s", "baseline build", beforeCpu));
            }
            File.Delete(db);
            var (reference, referenceCpu) = Timed("sh", ["-c", $"zstdcat '{zst}' | sqlite-utils insert '{db}' docs - --nl && sqlite-utils enable-fts '{db}' docs text"]);
            report.Add(new BenchFigure("corpora", $"ingest {size} .jsonl.zst with FTS, wall (peak RSS {ours.PeakRssMb:N0} MB)", ours.Wall.TotalSeconds, "s",
                "zstdcat | sqlite-utils insert --nl + enable-fts", reference.Wall.TotalSeconds), "≤ 0.5 ratio");
            report.Add(new BenchFigure("corpora", $"ingest {size} .jsonl.zst with FTS, CPU (user + sys)", cpu, "s",
                "zstdcat | sqlite-utils insert --nl + enable-fts, CPU of all its processes", referenceCpu));
            report.WriteLine(json =>
            {
                json.WriteString("bench", "corpora-phases");
                json.WriteString("what", $"Trawl's ingest of {size}, per phase (wall and process CPU seconds)");
                json.WriteString("wall", PhaseObject(ours.Output, "phase_seconds"));
                json.WriteString("cpu", PhaseObject(ours.Output, "phase_cpu_seconds"));
                json.WriteString("loadavg_after_trawl", load);
            });
        }
        if (!breakdown)
        {
            DeleteDataset(dataset);
            File.Delete(db);
            return;
        }
        Breakdown(report, dataset, db, zst, trawl, size);
        DeleteDataset(dataset);
        var (tokens, tokensCpu) = Timed(trawl, ["ingest", dataset, zst, "--table", "docs", "--search", "text", "--derive", "tokens=token_count(text, 'cl100k_base')", "--derive", "words=word_count(text)"]);
        report.Add(new BenchFigure("corpora", $"the same ingest with --derive tokens=token_count(text,'cl100k_base') and words=word_count(text), CPU (wall {tokens.Wall.TotalSeconds:F1} s)", tokensCpu, "s", "the ingest without counts, CPU", oursCpu));
        DeleteDataset(dataset);
        File.Delete(db);
    }

    /// <summary>The <c>"name": {...}</c> object of <c>trawl ingest --json</c>'s report, as text.</summary>
    private static string PhaseObject(string output, string name)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, "\"" + name + "\":\\s*(\\{[^}]*\\})");
        return match.Success ? System.Text.RegularExpressions.Regex.Replace(match.Groups[1].Value, "\\s+", "") : "";
    }

    /// <summary>Where the ingest's CPU goes on each side: decompression alone, the rows without the full-text index,
    /// the index alone, and SQLite's FTS5 build in the sqlite3 shell over the same rows (the floor both sides share).
    /// Expects <paramref name="db"/> to hold the reference's table with its index; rebuilds it in steps.</summary>
    private static void Breakdown(BenchReport report, string dataset, string db, string zst, string trawl, string size)
    {
        var (_, decodeCpu) = Timed("sh", ["-c", $"zstd -dc '{zst}' > /dev/null"]);
        DeleteDataset(dataset);
        var (_, oursRowsCpu) = Timed(trawl, ["ingest", dataset, zst, "--table", "docs", "--no-search"]);
        DeleteDataset(dataset);
        var (_, oursCpu) = Timed(trawl, ["ingest", dataset, zst, "--table", "docs", "--search", "text"]);
        File.Delete(db);
        var (_, referenceRowsCpu) = Timed("sh", ["-c", $"zstdcat '{zst}' | sqlite-utils insert '{db}' docs - --nl"]);
        var (_, referenceFtsCpu) = Timed("sqlite-utils", ["enable-fts", db, "docs", "text"]);
        var (_, floorCpu) = Timed("sqlite3", [db, "CREATE VIRTUAL TABLE floor_fts USING fts5(text, content=docs, content_rowid=rowid, tokenize='unicode61 remove_diacritics 2'); INSERT INTO floor_fts(floor_fts) VALUES('rebuild');"]);
        report.Add(new BenchFigure("corpora", $"breakdown {size}: zstd -dc of the file alone, CPU", decodeCpu, "s"));
        report.Add(new BenchFigure("corpora", $"breakdown {size}: ingest without full-text index (--no-search), CPU", oursRowsCpu, "s",
            "zstdcat | sqlite-utils insert --nl alone, CPU", referenceRowsCpu));
        report.Add(new BenchFigure("corpora", $"breakdown {size}: the full-text part (ingest with --search text minus --no-search, rerun), CPU", oursCpu - oursRowsCpu, "s",
            "sqlite-utils enable-fts alone, CPU", referenceFtsCpu));
        report.Add(new BenchFigure("corpora", $"breakdown {size}: FTS5 'rebuild' over the same rows in the sqlite3 shell (the shared floor), CPU", floorCpu, "s",
            "sqlite-utils enable-fts alone, CPU", referenceFtsCpu));
        DeleteDataset(dataset);
    }

    /// <summary>Runs a command under /usr/bin/time: its wall time and peak memory, and the CPU seconds of it and its children.</summary>
    private static (ChildRun Run, double CpuSeconds) Timed(string file, IEnumerable<string> args)
    {
        var run = ChildProcess.Run("/usr/bin/time", ["-f", "cpu-seconds %U %S %M", file, .. args]).EnsureSuccess();
        string line = run.Output.Split('\n').Last(l => l.StartsWith("cpu-seconds ", StringComparison.Ordinal));
        string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        run = run with { PeakRssBytes = long.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture) * 1024 };
        return (run, double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void DeleteDataset(string path)
    {
        if (Directory.Exists(path))
            Directory.Delete(path, recursive: true);
    }

    private static double Best(int runs, Action action)
    {
        double best = double.MaxValue;
        for (int i = 0; i < runs; i++)
            best = Math.Min(best, Time(action));
        return best;
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }
}
