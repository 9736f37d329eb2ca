using System.Globalization;
using Trawl.Bench.Measurement;
using Trawl.Bench.Reference;
using Trawl.Bench.Reporting;

namespace Trawl.Bench.Append;

/// <summary>
/// Appends in place: a WebVid-like dataset of --rows rows is built with <c>trawl ingest</c>, then --small-rows
/// rows and then a --part-rows part are appended with <c>trawl ingest --append</c>, each timed as a whole process
/// with its peak extra disk use (polled) beside what it added. The reference does the same appends with
/// <c>sqlite3 .import</c> into a table whose FTS5 index sqlite-utils keeps up to date with triggers
/// (<c>enable-fts --create-triggers</c>), in the same run on the same files.
/// </summary>
internal sealed class AppendBenchmark(AppendOptions options, BenchReport report)
{
    private const string Bench = "append";
    private const string Table = "webvid";
    private const string SearchColumn = "name";
    private const string Reference = "sqlite3 .import into an FTS5 table with sqlite-utils triggers";

    private string DatasetPath => Path.Combine(options.Directory, "webvid.trawl");
    private string ReferencePath => Path.Combine(options.Directory, "webvid-ref.db");
    private string BaseCsv => Path.Combine(options.Directory, "base.csv");
    private string SmallCsv => Path.Combine(options.Directory, "small.csv");
    private string PartCsv => Path.Combine(options.Directory, "part.csv");

    public int Run()
    {
        report.WriteLine(MachineInfo.Write);
        Directory.CreateDirectory(options.Directory);
        Clean();
        Generate();
        string trawl = TrawlExecutable.Locate();
        bool reference = options.Reference && SqliteReference.ToolsPresent(out string missing) || Note(options.Reference ? "reference not run: sqlite3 or sqlite-utils missing" : "reference not run (--no-reference)");

        BenchReport.Progress($"trawl: ingesting the {options.Rows:N0}-row base");
        var build = ChildProcess.Run(trawl, ["ingest", DatasetPath, BaseCsv, "--table", Table, "--search", SearchColumn]).EnsureSuccess();
        report.Add(new BenchFigure(Bench, "base_ingest_s", build.Wall.TotalSeconds, "s"));
        if (reference)
        {
            BenchReport.Progress("reference: sqlite3 .import of the base, then sqlite-utils enable-fts --create-triggers");
            var import = Sqlite3(ReferencePath, $".import --csv \"{BaseCsv}\" {Table}");
            var fts = ChildProcess.Run(FindOnPath("sqlite-utils"), ["enable-fts", ReferencePath, Table, SearchColumn, "--create-triggers"]).EnsureSuccess();
            report.Add(new BenchFigure(Bench, "ref_base_ingest_s", import.Wall.TotalSeconds + fts.Wall.TotalSeconds, "s"));
        }
        report.Add(new BenchFigure(Bench, "base_dataset_mb", DiskUseWatcher.Measure([DatasetPath]) / 1048576.0, "MB", "reference database", reference ? DiskUseWatcher.Measure(ReferenceFiles()) / 1048576.0 : null));

        Append("small", SmallCsv, options.SmallRows, trawl, reference, "<= 2 s");
        Append("part", PartCsv, options.PartRows, trawl, reference, "ratio <= 1.2");
        Verify(reference);
        report.PrintSummary();
        return 0;
    }

    private bool Note(string text)
    {
        report.Note(text);
        return false;
    }

    private void Append(string name, string csv, long rows, string trawl, bool reference, string target)
    {
        long csvBytes = new FileInfo(csv).Length;
        BenchReport.Progress($"trawl: appending {rows:N0} rows ({name})");
        ChildRun run;
        long peak, added;
        using (var watch = DiskUseWatcher.Start(DatasetPath))
        {
            run = ChildProcess.Run(trawl, ["ingest", DatasetPath, csv, "--table", Table, "--append"]).EnsureSuccess();
            (peak, added) = watch.Stop();
        }
        ChildRun? refRun = null;
        long refPeak = 0, refAdded = 0;
        if (reference)
        {
            BenchReport.Progress($"reference: sqlite3 .import of {rows:N0} rows ({name})");
            using var watch = DiskUseWatcher.Start(ReferenceFiles());
            refRun = Sqlite3(ReferencePath, $".import --csv --skip 1 \"{csv}\" {Table}");
            (refPeak, refAdded) = watch.Stop();
        }
        report.Add(new BenchFigure(Bench, $"{name}_append_s", run.Wall.TotalSeconds, "s", Reference, refRun?.Wall.TotalSeconds), target);
        report.Add(new BenchFigure(Bench, $"{name}_append_peak_extra_disk_mb", peak / 1048576.0, "MB", Reference, refRun is null ? null : refPeak / 1048576.0));
        report.Add(new BenchFigure(Bench, $"{name}_append_added_disk_mb", added / 1048576.0, "MB", Reference, refRun is null ? null : refAdded / 1048576.0));
        report.Add(new BenchFigure(Bench, $"{name}_append_peak_extra_over_added", added > 0 ? (double)peak / added : double.NaN, "x", null, null), "<= 1.0");
        report.Add(new BenchFigure(Bench, $"{name}_append_peak_extra_over_csv", (double)peak / csvBytes, "x"));
        report.Add(new BenchFigure(Bench, $"{name}_append_peak_rss_mb", run.PeakRssMb, "MB", Reference, refRun?.PeakRssMb));
        report.WriteLine(json =>
        {
            json.WriteString("bench", Bench);
            json.WriteString("what", $"{name}_input");
            json.WriteNumber("rows", rows);
            json.WriteNumber("csv_mb", Math.Round(csvBytes / 1048576.0, 1));
        });
    }

    /// <summary>Both sides hold every row and find the same rows by a search.</summary>
    private void Verify(bool reference)
    {
        long expected = options.Rows + options.SmallRows + options.PartRows;
        using var dataset = Trawl.Store.Datasets.Dataset.Open(DatasetPath);
        long rows = dataset.CountRows(new Trawl.Store.Queries.TableQuery { Table = Table });
        if (rows != expected)
            throw new InvalidOperationException($"trawl holds {rows} rows after the appends, not {expected}");
        if (!reference)
            return;
        var check = Sqlite3(ReferencePath, $"SELECT count(*) FROM {Table}; SELECT count(*) FROM {Table}_fts WHERE {Table}_fts MATCH 'the';");
        var lines = check.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        long refRows = long.Parse(lines[0].Trim(), CultureInfo.InvariantCulture);
        long refMatches = long.Parse(lines[1].Trim(), CultureInfo.InvariantCulture);
        long matches = dataset.CountRows(new Trawl.Store.Queries.TableQuery { Table = Table, Search = "the" });
        if (refRows != expected || refMatches != matches)
            throw new InvalidOperationException($"the reference holds {refRows} rows and matches 'the' {refMatches} times; trawl {rows} and {matches}");
        report.Note($"both hold {expected:N0} rows; a search for 'the' matches {matches:N0} rows in both");
    }

    private string[] ReferenceFiles() => [ReferencePath, ReferencePath + "-journal", ReferencePath + "-wal", ReferencePath + "-shm"];

    private static ChildRun Sqlite3(string database, string command) =>
        ChildProcess.Run(FindOnPath("sqlite3"), [database, command]).EnsureSuccess();

    private static string FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{tool} is not on PATH");

    private void Generate()
    {
        var generator = new WebVidCsvGenerator(options.Seed);
        BenchReport.Progress($"generating {options.Rows:N0} + {options.SmallRows:N0} + {options.PartRows:N0} WebVid-like rows in {options.Directory}");
        generator.Write(BaseCsv, 0, options.Rows);
        generator.Write(SmallCsv, options.Rows, options.SmallRows);
        generator.Write(PartCsv, options.Rows + options.SmallRows, options.PartRows);
        report.WriteLine(json =>
        {
            json.WriteString("bench", Bench);
            json.WriteString("what", "input");
            json.WriteNumber("rows", options.Rows);
            json.WriteNumber("base_csv_mb", Math.Round(new FileInfo(BaseCsv).Length / 1048576.0, 1));
            json.WriteNumber("seed", options.Seed);
        });
    }

    private void Clean()
    {
        if (Directory.Exists(DatasetPath))
            Directory.Delete(DatasetPath, recursive: true);
        foreach (string f in ReferenceFiles())
            File.Delete(f);
    }
}
