using System.CommandLine;
using System.Globalization;
using Trawl.Cli.Output;
using Trawl.Cli.Progress;
using Trawl.Store;
using Trawl.Store.Duplicates;

namespace Trawl.Cli.Commands;

/// <summary>
/// <c>trawl dedupe DATASET --vectors NAME --threshold 0.95</c> or <c>--text COLUMN --minhash</c>: finds near-duplicate
/// rows and records dup_cluster and dup_of on the table (the work is in <see cref="DatasetDedupe"/>).
/// </summary>
internal static class DedupeCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var dataset = CommonOptions.Dataset();
        var vectors = new Option<string?>("--vectors") { Description = "Compare rows by this vector set (default: the dataset's only one).", HelpName = "NAME" };
        var text = new Option<string?>("--text") { Description = "Compare rows by this text column (with --minhash).", HelpName = "COLUMN" };
        var minhash = new Option<bool>("--minhash") { Description = "Text near-duplicates by MinHash/LSH over word shingles (estimated Jaccard similarity)." };
        var table = CommonOptions.Table("the vector set's table, or the only table");
        var threshold = new Option<double?>("--threshold") { Description = "Smallest similarity of a duplicate pair, greater than 0 and at most 1 (default 0.95 for vectors, 0.8 for --minhash).", HelpName = "S" };
        var metric = new Option<string?>("--metric") { Description = "cosine or ip (default: the vector set's own).", HelpName = "METRIC" };
        metric.AcceptOnlyFromAmong("cosine", "ip");
        var keep = new Option<string>("--keep") { Description = "Which row of a cluster is kept (dup_of null): first (smallest rowid) or best:COLUMN (largest value, e.g. best:aesthetic).", DefaultValueFactory = _ => "first", HelpName = "first|best:COLUMN" };
        var exact = new Option<bool>("--exact") { Description = "Scan exactly even when the vector set has an ANN index (slower; every pair found)." };
        var candidates = CommonOptions.PositiveInt("--candidates", 16, "Neighbours asked of the ANN index per row; each is re-checked exactly.");
        var ef = new Option<int?>("--ef") { Description = "HNSW beam width for the candidate search (default: max(64, 2 × candidates)).", HelpName = "N" };
        OptionRange.Require(ef, 1, 100_000, "--ef must be a number from 1 to 100000");
        var maxPairs = CommonOptions.PositiveInt("--max-pairs-per-row", 64, "Pairs kept per row at most; bounds memory when a cluster is huge (the cluster stays joined).");
        var recallSample = new Option<int>("--recall-sample") { Description = "Rows whose pairs are also found by exact scan, to report the candidate search's recall (0 skips).", DefaultValueFactory = _ => 200, HelpName = "N" };
        OptionRange.Require(recallSample, 0, 100_000, "--recall-sample must be a number from 0 to 100000");
        var restart = new Option<bool>("--restart") { Description = "Ignore the saved work of an interrupted run and start over (by default it resumes)." };
        var permutations = new Option<int>("--permutations") { Description = "MinHash: hash functions per signature.", DefaultValueFactory = _ => 128, HelpName = "N" };
        OptionRange.Require(permutations, 8, 1024, "--permutations must be a number from 8 to 1024");
        var shingle = new Option<int>("--shingle") { Description = "MinHash: words per shingle.", DefaultValueFactory = _ => 3, HelpName = "N" };
        OptionRange.Require(shingle, 1, 16, "--shingle must be a number from 1 to 16");
        var json = CommonOptions.Json("the report");

        var command = new Command("dedupe", "Find near-duplicate rows by their vectors (ANN candidates re-checked exactly, or an exact scan) or by MinHash over a text column; join them into clusters and record dup_cluster and dup_of on every row (filter dup_of__isnull=1 for the deduplicated view). An interrupted run resumes where it stopped.")
        {
            dataset, vectors, text, minhash, table, threshold, metric, keep, exact, candidates, ef, maxPairs, recallSample, restart, permutations, shingle, json,
        };
        command.SetAction(parse =>
        {
            bool isMinHash = parse.GetValue(minhash);
            string? textColumn = parse.GetValue(text);
            if (textColumn is not null && !isMinHash) throw new UserErrorException("--text COLUMN compares by MinHash: add --minhash");
            if (isMinHash && textColumn is null) throw new UserErrorException("--minhash needs --text COLUMN");
            if (isMinHash && parse.GetValue(vectors) is not null) throw new UserErrorException("give --vectors or --text --minhash, not both");
            double t = parse.GetValue(threshold) ?? (isMinHash ? 0.8 : 0.95);
            DatasetDedupe.CheckThreshold(t);
            var request = new DedupeRequest
            {
                Method = isMinHash ? DedupeMethod.MinHash : DedupeMethod.Vectors,
                VectorSet = parse.GetValue(vectors),
                TextColumn = textColumn,
                Table = parse.GetValue(table),
                Threshold = t,
                Metric = parse.GetValue(metric),
                Keep = KeepRule.Parse(parse.GetValue(keep)!),
                Exact = parse.GetValue(exact),
                Candidates = parse.GetValue(candidates),
                Ef = parse.GetValue(ef),
                MaxPairsPerRow = parse.GetValue(maxPairs),
                RecallSample = parse.GetValue(recallSample),
                Restart = parse.GetValue(restart),
                Permutations = parse.GetValue(permutations),
                ShingleWords = parse.GetValue(shingle),
            };
            string path = parse.GetValue(dataset)!;
            var report = WorkProgress.Run(terminal, View, (progress, cancel) => DatasetDedupe.Run(path, request, progress, cancel));
            if (parse.GetValue(json)) WriteJson(terminal.Out, report);
            else WriteText(terminal.Out, report);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static readonly ProgressView<DedupeProgress> View = new(
        BarText: (p, _) => Describe(p),
        LineText: (p, _) => Describe(p),
        Amount: p => p.Total > 0 ? (p.Done, p.Total) : null,
        BarWidth: 24,
        Refresh: TimeSpan.FromMilliseconds(200));

    private static string Describe(DedupeProgress p)
    {
        var c = CultureInfo.InvariantCulture;
        return p.Phase switch
        {
            DedupePhase.Preparing => $"reading {p.Done.ToString("N0", c)} of {p.Total.ToString("N0", c)} rows",
            DedupePhase.Pairs => $"finding pairs: {p.Done.ToString("N0", c)} of {p.Total.ToString("N0", c)}",
            DedupePhase.Recall => "measuring recall on a sample",
            _ => "writing dup_cluster and dup_of",
        };
    }

    private static void WriteText(TextWriter o, DedupeReport r)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine($"table {r.Table}: {r.Rows.ToString("N0", c)} rows compared ({r.Search}, threshold {r.Threshold.ToString(c)}, keep {r.Keep})");
        if (r.ResumedAtRow is { } at) o.WriteLine($"resumed an interrupted run at row {at.ToString("N0", c)}");
        o.WriteLine($"{r.Pairs.ToString("N0", c)} pairs, {r.Clusters.ToString("N0", c)} clusters holding {r.RowsInClusters.ToString("N0", c)} rows; {r.Duplicates.ToString("N0", c)} rows marked dup_of");
        if (r.Recall is { } recall)
            o.WriteLine($"candidate search recall {recall.ToString("0.000", c)} ({r.RecallSamplePairs.ToString("N0", c)} exact pairs of {r.RecallSampleRows} sample rows)");
        else if (r.RecallSampleRows > 0)
            o.WriteLine($"candidate search recall: no exact pairs among {r.RecallSampleRows} sample rows");
        o.WriteLine($"{r.Elapsed.TotalSeconds.ToString("0.0", c)} s; deduplicated view: filter dup_of__isnull=1");
    }

    private static void WriteJson(TextWriter output, DedupeReport r) =>
        new JsonOutput(output).WriteDocument(w =>
        {
            w.WriteStartObject();
            w.WriteString("table", r.Table);
            w.WriteString("search", r.Search);
            w.WriteNumber("threshold", r.Threshold);
            w.WriteString("keep", r.Keep);
            w.WriteNumber("rows", r.Rows);
            w.WriteNumber("pairs", r.Pairs);
            w.WriteNumber("clusters", r.Clusters);
            w.WriteNumber("rows_in_clusters", r.RowsInClusters);
            w.WriteNumber("duplicates", r.Duplicates);
            if (r.Recall is { } recall) w.WriteNumber("recall", Math.Round(recall, 4)); else w.WriteNull("recall");
            w.WriteNumber("recall_sample_rows", r.RecallSampleRows);
            w.WriteNumber("recall_sample_pairs", r.RecallSamplePairs);
            if (r.ResumedAtRow is { } at) w.WriteNumber("resumed_at_row", at); else w.WriteNull("resumed_at_row");
            w.WriteNumber("seconds", Math.Round(r.Elapsed.TotalSeconds, 3));
            w.WriteEndObject();
        });
}
