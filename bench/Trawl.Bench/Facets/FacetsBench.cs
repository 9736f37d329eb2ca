using System.Diagnostics;
using System.Globalization;
using System.Text;
using Trawl.Bench.Reporting;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;

namespace Trawl.Bench.Facets;

/// <summary>
/// Array and date facets (Datasette's _facet_array / _facet_date) over a table with a JSON-array tag column and a
/// date-time column: Trawl's column files and its SQL path against sqlite3's json_each / date() GROUP BY on the same
/// meta.db, over the whole table and over half of it. Median of several runs, interleaved.
/// </summary>
internal static class FacetsBench
{
    public const string Usage = "[--rows 1000000] [--dir DIR] [--runs 5] [--ingest-only] [--no-sql-path] [--reference-runs N]";

    // At 10M rows the SQL path and the reference each take minutes per facet: --no-sql-path leaves the former out,
    // and --ingest-only builds the dataset in its own run so each locked run stays short.
    private static bool _sqlPath = true;
    private static int _referenceRuns = int.MaxValue;

    private static readonly string[] Tags =
    [
        "low quality", "e-guitar", "men's voice", "piano", "drums", "ambient", "rock", "jazz", "lo-fi", "strings",
        "female vocal", "bass", "synth", "live", "acoustic", "happy", "sad", "fast", "slow", "noisy",
        "violin", "choir", "electronic", "pop", "folk", "metal", "hip hop", "classical", "reggae", "blues",
    ];

    public static int Run(string[] args)
    {
        long rows = 1_000_000;
        string dir = "/work/scratch/facets-bench";
        int runs = 5;
        bool ingestOnly = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": rows = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dir": dir = args[++i]; break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--ingest-only": ingestOnly = true; break;
                case "--no-sql-path": _sqlPath = false; break;
                case "--reference-runs": _referenceRuns = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}; {Usage}");
            }
        }
        Directory.CreateDirectory(dir);
        string dataset = Path.Combine(dir, $"facets-{rows}.trawl");
        if (!Directory.Exists(dataset))
        {
            string csv = Path.Combine(dir, $"facets-{rows}.csv");
            Generate(csv, rows);
            var clock = Stopwatch.StartNew();
            DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "clips" });
            Console.Error.WriteLine($"ingested {rows:N0} rows in {clock.Elapsed.TotalSeconds:0.0} s");
            File.Delete(csv);
        }
        if (ingestOnly)
            return 0;
        using var ds = Dataset.Open(dataset);
        string metaDb = Path.Combine(dataset, "meta.db");
        var all = new TableQuery { Table = "clips" };
        var half = all with { Filters = [new ColumnFilter("n", FilterOp.Lt, (rows / 2).ToString(CultureInfo.InvariantCulture))] };
        string halfSql = $"WHERE n < {rows / 2}";

        foreach (var (name, query, where) in new[] { ("whole table", all, ""), ("half the rows (n < N/2)", half, halfSql) })
        {
            Measure(ds, metaDb, rows, runs, $"array facet, {name}", FacetKind.Array, "tags", query,
                $"SELECT j.value, count(*) AS n FROM clips, json_each(clips.tags) AS j {where} GROUP BY j.value ORDER BY n DESC, j.value LIMIT 30;");
            Measure(ds, metaDb, rows, runs, $"date facet, {name}", FacetKind.Date, "taken", query,
                $"SELECT date(taken) AS d, count(*) AS n FROM clips {(where.Length == 0 ? "WHERE" : where + " AND")} date(taken) IS NOT NULL GROUP BY d ORDER BY n DESC, d LIMIT 30;");
        }
        return 0;
    }

    private static void Measure(Dataset ds, string metaDb, long rows, int runs, string what, FacetKind kind, string column, TableQuery query, string referenceSql)
    {
        var columnar = new List<double>();
        var sqlPath = new List<double>();
        var reference = new List<double>();
        string? check = null;
        bool agree = true;
        for (int r = 0; r < runs; r++)
        {
            var clock = Stopwatch.StartNew();
            var fast = ds.Facet(query, column, kind, 30);
            columnar.Add(clock.Elapsed.TotalMilliseconds);
            string mine = string.Join(";", fast.Values.Take(5).Select(v => $"{v.Value}={v.Count}"));
            if (_sqlPath)
            {
                ds.UseColumnFiles = false;
                clock.Restart();
                var slow = ds.Facet(query, column, kind, 30);
                sqlPath.Add(clock.Elapsed.TotalMilliseconds);
                ds.UseColumnFiles = true;
                if (mine != string.Join(";", slow.Values.Take(5).Select(v => $"{v.Value}={v.Count}")))
                    throw new InvalidOperationException($"{what}: the column files and SQL disagree");
            }
            if (r < _referenceRuns)
            {
                reference.Add(Sqlite3Ms(metaDb, referenceSql, out string top));
                agree &= mine == top;
                check = mine + " | sqlite3: " + top;
            }
        }
        double median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        // --reference-runs 0 measures Trawl alone (the reference at this size is measured in a locked run).
        double? referenceMs = reference.Count == 0 ? null : median(reference);
        FigureLine.Write("facets", what + " (column files)", median(columnar), "ms", "sqlite3 json_each/date() GROUP BY", referenceMs,
            median(columnar) / referenceMs, w =>
            {
                w.WriteNumber("rows", rows);
                // The first run also reads each distinct cell once (CodeGroups); later runs reuse that.
                w.WriteNumber("first_run_ms", Math.Round(columnar[0], 2));
                w.WriteNumber("runs", columnar.Count);
                w.WriteNumber("reference_runs", reference.Count);
                w.WriteString("top", check);
                if (reference.Count > 0)
                    w.WriteBoolean("top5_equals_sqlite3", agree);
                else
                    w.WriteNull("top5_equals_sqlite3");
            });
        if (sqlPath.Count > 0)
            FigureLine.Write("facets", what + " (Trawl SQL path)", median(sqlPath), "ms", "sqlite3 json_each/date() GROUP BY", referenceMs,
            median(sqlPath) / referenceMs, w => w.WriteNumber("rows", rows));
    }

    /// <summary>sqlite3's own "Run Time: real" for the statement (the process start is not counted).</summary>
    private static double Sqlite3Ms(string metaDb, string sql, out string top)
    {
        var psi = new ProcessStartInfo("sqlite3") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-readonly");
        psi.ArgumentList.Add(metaDb);
        using var p = Process.Start(psi)!;
        p.StandardInput.WriteLine(".timer on");
        p.StandardInput.WriteLine(sql);
        p.StandardInput.Close();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string timer = lines.Last(l => l.StartsWith("Run Time:", StringComparison.Ordinal));
        top = string.Join(";", lines.Where(l => !l.StartsWith("Run Time:", StringComparison.Ordinal)).Take(5).Select(l => l.Replace('|', '=')));
        string real = timer.Split(' ')[3];
        return double.Parse(real, CultureInfo.InvariantCulture) * 1000;
    }

    private static void Generate(string path, long rows)
    {
        var rng = new Random(7);
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        w.Write("n,tags,taken,score\n");
        var start = new DateTime(2023, 1, 1);
        var sb = new StringBuilder();
        for (long i = 0; i < rows; i++)
        {
            sb.Clear();
            int k = 1 + rng.Next(4);
            sb.Append('[');
            // Distinct tags per row (so json_each's count and Trawl's rows-per-element agree); Zipf-like: the first
            // tags are far more common.
            var chosen = new List<int>(k);
            while (chosen.Count < k)
            {
                int t = (int)(Tags.Length * Math.Pow(rng.NextDouble(), 2));
                if (!chosen.Contains(t))
                    chosen.Add(t);
            }
            for (int j = 0; j < k; j++)
                sb.Append(j == 0 ? "" : ", ").Append('"').Append(Tags[chosen[j]]).Append('"');
            sb.Append(']');
            string taken = start.AddMinutes(rng.Next(365 * 24 * 60)).ToString(rng.Next(2) == 0 ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            w.Write(i.ToString(CultureInfo.InvariantCulture));
            w.Write(",\"");
            w.Write(sb.ToString().Replace("\"", "\"\""));
            w.Write("\",");
            w.Write(taken);
            w.Write(',');
            w.Write(rng.Next(100).ToString(CultureInfo.InvariantCulture));
            w.Write('\n');
        }
    }
}
