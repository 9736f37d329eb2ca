using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Trawl.Cli.Input;
using Trawl.Cli.Output;
using Trawl.Formats.NumPy;
using Trawl.Store.Contracts;
using Trawl.Store;
using Trawl.Store.Datasets;
using Trawl.Store.AnnIndexes;
using Trawl.Store.Queries;
using Trawl.Store.VectorSets;
using Trawl.Vectors;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl knn</c>: exact nearest neighbours in a dataset's vector set, or between bare .npy files.</summary>
internal static class KnnCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var dataset = new Argument<string?>("DATASET")
        {
            Description = "The dataset folder (NAME.trawl); leave it out with --base to search bare .npy files.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var vectors = new Option<string?>("--vectors") { Description = "The dataset's vector set to search (default: its only one).", HelpName = "NAME" };
        var row = new Option<long?>("--row") { Description = "Query by this row's own vector (the row itself is left out).", HelpName = "ROWID" };
        var queryVectors = new Option<string?>("--query-vectors") { Description = "With --row: take the row's vector from this other vector set (e.g. text, to search the image set); the row itself is then kept.", HelpName = "NAME" };
        var queryFile = new Option<string?>("--query-file") { Description = "Query vectors from a .npy file (f32, f16 or f64; one per row). With more than one, write --out.", HelpName = "Q.npy" };
        var vector = new Option<string?>("--vector") { Description = "Query by this vector, a JSON array: '[0.1, -0.2, ...]'.", HelpName = "JSON" };
        var k = CommonOptions.PositiveInt("--k", 10, $"How many neighbours per query (at most {KnnQuery.MaxK:N0}).", "K");
        var where = new Option<string?>("--where") { Description = "Only rows for which this SQL expression is true (e.g. \"WIDTH >= 512\").", HelpName = "EXPR" };
        var search = new Option<string?>("--search") { Description = "Only rows whose search columns match this full-text search.", HelpName = "TEXT" };
        var dedupe = new Option<bool>("--dedupe") { Description = "Drop results whose cosine with a better one is at least 0.94 (as clip-retrieval does)." };
        var json = CommonOptions.Json("the neighbours (or the summary for --base)");
        var columns = new Option<string[]>("--columns") { Description = "Columns to show in the table, in order (comma-separated or repeated).", HelpName = "A,B" };
        var baseFile = new Option<string?>("--base") { Description = "Search this .npy file of vectors (f32 or f16) instead of a dataset.", HelpName = "BASE.npy" };
        var queries = new Option<string?>("--queries") { Description = "With --base: the query vectors (.npy).", HelpName = "Q.npy" };
        var output = new Option<string?>("--out") { Description = "Write the neighbours' ids here as an int32 .npy (queries × k; -1 where fewer were found).", HelpName = "KNNS.npy" };
        var outDists = new Option<string?>("--out-dists") { Description = "Write the scores here as a float32 .npy (similarity; squared distance for --metric l2).", HelpName = "DISTS.npy" };
        var metric = new Option<string?>("--metric") { Description = "With --base: ip (default), cosine or l2.", HelpName = "ip|cosine|l2" };
        var ef = new Option<int?>("--ef") { Description = "HNSW index: search beam (default: the index's, 64); larger is slower and finds more of the exact neighbours.", HelpName = "N" };
        OptionRange.Require(ef, 1, 100_000, "--ef must be a number from 1 to 100000");
        var nprobe = new Option<int?>("--nprobe") { Description = "IVF-PQ index: lists visited (default: the index's, 16).", HelpName = "N" };
        OptionRange.Require(nprobe, 1, 1 << 20, "--nprobe must be a number from 1 to 1048576");
        var refine = new Option<int?>("--refine") { Description = "IVF-PQ index built with ,Refine: candidates re-ranked exactly per wanted result (default: the index's, 16); larger finds more of the exact neighbours, slower.", HelpName = "N" };
        OptionRange.Require(refine, 1, 10_000, "--refine must be a number from 1 to 10000");
        var filterStrategy = new Option<string?>("--filter-strategy") { Description = "With an index and --search/--where: walk the index (its beam widened by 1/√density), scan the allowed rows exactly, or choose by density (auto, the default). --json reports what ran as filter_plan.", HelpName = "auto|walk|exact" };
        var exact = new Option<bool>("--exact") { Description = "Scan every vector exactly even when the set has an index (built with trawl index)." };
        var text = new Option<string?>("--text") { Description = "Query by meaning: this text's CLIP embedding (needs --model; search the image vector set for text-to-image).", HelpName = "TEXT" };
        var image = new Option<string?>("--image") { Description = "Query by this image file's CLIP embedding (needs --model).", HelpName = "FILE" };
        var model = ClipOptions.Model();
        var indexFile = new Option<string?>("--index-file") { Description = "With --base: search through this index file (built with trawl index --base) instead of an exact scan.", HelpName = "FILE" };

        var command = new Command("knn", "Exact nearest neighbours: rows similar to a row or a vector in a dataset's vector set (with search and filters), or between bare .npy files (--base).")
        {
            dataset, vectors, row, queryVectors, queryFile, vector, k, where, search, dedupe, json, columns, baseFile, queries, output, outDists, metric,
            ef, nprobe, refine, exact, indexFile, text, image, model, filterStrategy,
        };
        command.SetAction(parse =>
        {
            string? basePath = parse.GetValue(baseFile);
            if (basePath is not null)
            {
                if (parse.GetValue(dataset) is not null)
                    throw new UserErrorException("give either a DATASET or --base BASE.npy, not both");
                if (parse.GetValue(row) is not null || parse.GetValue(vector) is not null || parse.GetValue(queryFile) is not null)
                    throw new UserErrorException("with --base, give the queries with --queries Q.npy");
                if (parse.GetValue(where) is not null || parse.GetValue(search) is not null || parse.GetValue(vectors) is not null)
                    throw new UserErrorException("--where, --search and --vectors need a DATASET");
                if (parse.GetValue(filterStrategy) is not null)
                    throw new UserErrorException("--filter-strategy needs a DATASET (a filter comes from --search or --where)");
                if (parse.GetValue(indexFile) is not null && (parse.GetValue(exact) || parse.GetValue(dedupe)))
                    throw new UserErrorException("--index-file cannot be combined with --exact or --dedupe");
                return RunBare(terminal, basePath, parse.GetValue(queries) ?? throw new UserErrorException("--base needs --queries Q.npy"),
                    parse.GetValue(k), parse.GetValue(output), parse.GetValue(outDists), parse.GetValue(metric), parse.GetValue(dedupe), parse.GetValue(json),
                    parse.GetValue(indexFile), new Trawl.Vectors.Indexes.IndexSearchOptions { Ef = parse.GetValue(ef), NProbe = parse.GetValue(nprobe), RefineFactor = parse.GetValue(refine) });
            }
            string path = parse.GetValue(dataset) ?? throw new UserErrorException("give a DATASET (or --base BASE.npy --queries Q.npy)");
            if (parse.GetValue(queries) is not null || parse.GetValue(metric) is not null)
                throw new UserErrorException("--queries and --metric go with --base; with a dataset use --query-file and the set's own metric");
            int given = (parse.GetValue(row) is null ? 0 : 1) + (parse.GetValue(vector) is null ? 0 : 1) + (parse.GetValue(queryFile) is null ? 0 : 1)
                + (parse.GetValue(text) is null ? 0 : 1) + (parse.GetValue(image) is null ? 0 : 1);
            if (given != 1)
                throw new UserErrorException("give exactly one of --row ROWID, --vector '[...]', --query-file Q.npy, --text TEXT and --image FILE");
            if (parse.GetValue(model) is not null && parse.GetValue(text) is null && parse.GetValue(image) is null)
                throw new UserErrorException("--model goes with --text or --image");
            if (parse.GetValue(indexFile) is not null)
                throw new UserErrorException("--index-file goes with --base; a dataset uses its set's own index (see trawl index)");
            using IDatasetSource ds = DatasetOpeners.Open(path);
            var set = ds.ChooseVectorSet(parse.GetValue(vectors));
            var filter = new TableQuery { Table = set.Table, Search = parse.GetValue(search), Where = parse.GetValue(where) };
            var template = new KnnQuery
            {
                VectorSet = set.Name, K = parse.GetValue(k), Deduplicate = parse.GetValue(dedupe), Filter = filter,
                Exact = parse.GetValue(exact), Ef = parse.GetValue(ef), NProbe = parse.GetValue(nprobe), Refine = parse.GetValue(refine),
                FilterStrategy = FilterStrategyNames.Parse(parse.GetValue(filterStrategy), "--filter-strategy"),
            };
            if (parse.GetValue(queryFile) is { } qf)
            {
                var many = QueryVectors.FromNpy(qf, set.Dimension);
                string? outPath = parse.GetValue(output);
                if (many.Count != 1 || outPath is not null)
                    return RunMany(terminal, ds, template, many.Values, many.Count, outPath ?? throw new UserErrorException($"{qf} holds {many.Count} queries; write them with --out KNNS.npy"),
                        parse.GetValue(outDists), parse.GetValue(json));
                template = template with { Vector = many.Values };
            }
            else if (parse.GetValue(vector) is { } vectorText)
                template = template with { Vector = QueryVectors.FromJson(vectorText, "--vector") };
            else if (parse.GetValue(text) is not null || parse.GetValue(image) is not null)
                template = template with { Vector = EncodeQuery(parse.GetValue(model), parse.GetValue(text), parse.GetValue(image), set.Dimension) };
            else
                template = template with { Row = parse.GetValue(row), RowVectorSet = parse.GetValue(queryVectors) };
            if (parse.GetValue(queryVectors) is not null && template.Row is null)
                throw new UserErrorException("--query-vectors goes with --row");
            if (parse.GetValue(output) is not null || parse.GetValue(outDists) is not null)
                throw new UserErrorException("--out and --out-dists go with --query-file (or --base)");
            var result = ds.Knn(template);
            Warn(terminal, result.Warning);
            if (parse.GetValue(json))
                WriteJson(terminal, result, template);
            else
                WriteTable(terminal, ds.GetTable(set.Table), result, ColumnList.Parse(parse.GetValue(columns)));
            return CliExitCode.Ok;
        });
        return command;
    }

    /// <summary>The CLIP embedding of the --text or --image query, checked against the set's dimension.</summary>
    private static float[] EncodeQuery(string? model, string? text, string? image, int dimension)
    {
        using var encoder = ClipOptions.Open(model);
        if (encoder.Dimension != dimension)
            throw new UserErrorException($"the model's embeddings have dimension {encoder.Dimension} but the vector set's have {dimension}: use the model that made the set");
        return text is not null ? encoder.EncodeTexts([text]) : encoder.EncodeImageFiles([image!]);
    }

    private static void Warn(CliTerminal terminal, string? warning)
    {
        if (warning is not null)
            terminal.Err.WriteLine($"trawl: warning: {warning}");
    }

    private static int RunMany(CliTerminal terminal, IDatasetSource ds, KnnQuery template, float[] queries, int count, string outPath, string? distsPath, bool json)
    {
        var clock = Stopwatch.StartNew();
        var found = ds.KnnBatch(template, queries);
        Warn(terminal, found.Warning);
        var bare = new BareKnnResult(found.Results, ds.ChooseVectorSet(template.VectorSet).Count, template.K, found.Index ?? "exact", clock.Elapsed, TimeSpan.Zero);
        NpyFile.Write<int>(outPath, bare.Ids(), count, template.K);
        if (distsPath is not null)
            NpyFile.Write<float>(distsPath, bare.Scores(), count, template.K);
        WriteSummary(terminal, json, count, bare.BaseRows, template.K, clock.Elapsed, outPath, distsPath, bare.Dropped, found.Index, found.FilterPlan);
        return CliExitCode.Ok;
    }

    private static int RunBare(CliTerminal terminal, string basePath, string queriesPath, int k, string? outPath, string? distsPath, string? metricName, bool dedupe, bool json,
        string? indexFile, Trawl.Vectors.Indexes.IndexSearchOptions indexOptions)
    {
        if (outPath is null && distsPath is null && !json)
            throw new UserErrorException("write the neighbours with --out KNNS.npy (and --out-dists D.npy), or print a --json summary");
        var metric = metricName is null ? VectorMetric.InnerProduct : VectorMetricNames.Parse(metricName, "--metric");
        var found = BareIndexes.Knn(basePath, indexFile, queriesPath, k, metric, dedupe, indexOptions);
        int count = found.Results.Count;
        if (outPath is not null)
            NpyFile.Write<int>(outPath, found.Ids(), count, k);
        if (distsPath is not null)
            NpyFile.Write<float>(distsPath, found.Scores(), count, k);
        WriteSummary(terminal, json, count, found.BaseRows, k, found.Elapsed, outPath, distsPath, found.Dropped, streamedBytes: found.StreamedBytes);
        return CliExitCode.Ok;
    }

    private static void WriteSummary(CliTerminal terminal, bool json, int queries, long vectors, int k, TimeSpan elapsed, string? outPath, string? distsPath, long dropped,
        string? index = null, Trawl.Vectors.Indexes.FilterPlan? plan = null, long streamedBytes = 0)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        if (json)
        {
            new JsonOutput(terminal.Out).WriteDocument(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("queries", queries);
                w.WriteNumber("vectors", vectors);
                w.WriteNumber("k", k);
                w.WriteNumber("elapsed_ms", Math.Round(elapsed.TotalMilliseconds, 2));
                w.WriteNumber("qps", Math.Round(queries / seconds, 1));
                w.WriteNumber("dropped", dropped);
                if (outPath is null) w.WriteNull("out"); else w.WriteString("out", outPath);
                if (distsPath is null) w.WriteNull("out_dists"); else w.WriteString("out_dists", distsPath);
                if (index is not null) w.WriteString("index", index);
                if (plan is not null) FilterStrategyNames.WritePlan(w, plan);
                if (streamedBytes > 0)
                {
                    w.WriteNumber("streamed_bytes", streamedBytes);
                    w.WriteNumber("gb_per_s", Math.Round(streamedBytes / seconds / 1e9, 3));
                }
                w.WriteEndObject();
            });
            return;
        }
        var c = CultureInfo.InvariantCulture;
        terminal.Out.WriteLine($"{queries.ToString("N0", c)} queries × {vectors.ToString("N0", c)} vectors, k = {k}: {elapsed.TotalSeconds.ToString("0.000", c)} s ({(queries / seconds).ToString("N1", c)} queries/s)"
            + (streamedBytes > 0 ? $"; the base ({(streamedBytes / 1e9).ToString("0.##", c)} GB) streamed once at {(streamedBytes / seconds / 1e9).ToString("0.##", c)} GB/s" : "")
            + (outPath is null ? "" : $"; ids in {outPath}") + (distsPath is null ? "" : $", scores in {distsPath}"));
    }

    private static void WriteJson(CliTerminal terminal, KnnResult result, KnnQuery query) =>
        new JsonOutput(terminal.Out).WriteDocument(w =>
        {
            w.WriteStartObject();
            w.WriteString("vectors", result.VectorSet.Name);
            w.WriteString("table", result.VectorSet.Table);
            w.WriteString("similarity_field", result.SimilarityName);
            if (query.Row is { } r) w.WriteNumber("row", r); else w.WriteNull("row");
            w.WriteNumber("k", query.K);
            w.WriteNumber("dropped", result.Dropped);
            w.WriteNumber("elapsed_ms", Math.Round(result.Elapsed.TotalMilliseconds, 2));
            if (result.Index is null) w.WriteNull("index"); else w.WriteString("index", result.Index);
            FilterStrategyNames.WritePlan(w, result.FilterPlan);
            w.WriteStartArray("rows");
            for (int i = 0; i < result.Rows.Count; i++)
            {
                w.WriteStartObject();
                for (int c = 0; c < result.Columns.Count; c++)
                {
                    w.WritePropertyName(result.Columns[c]);
                    JsonOutput.WriteValue(w, result.Rows[i][c]);
                }
                w.WriteNumber(result.SimilarityName, result.Similarities[i]);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });

    private static void WriteTable(CliTerminal terminal, TableInfo info, KnnResult result, IReadOnlyList<string> wanted)
    {
        IAnsiConsole console = Screen.ForOut(terminal);
        var shown = DisplayColumns.Choose(info, result.Columns, result.Rows.ToList(), console.Profile.Width - 12, wanted);
        var c = CultureInfo.InvariantCulture;
        var columns = new List<string> { result.SimilarityName };
        columns.AddRange(result.Columns);
        var rows = result.Rows.Select((r, i) => (object?[])[result.Similarities[i].ToString("0.0000", c), .. r]).ToList();
        var withScore = new List<DisplayColumns.Shown> { new(0, 10) };
        withScore.AddRange(shown.Select(s => new DisplayColumns.Shown(s.Index + 1, s.MaxWidth)));
        console.Write(RowTable.Build(columns, rows, withScore));
        string dropped = result.Dropped > 0 ? $", {result.Dropped} near-duplicate(s) dropped" : "";
        console.WriteLine($"{result.Rows.Count} nearest rows in vector set {CellText.Sanitize(result.VectorSet.Name)} of {CellText.Sanitize(info.Name)} ({result.Elapsed.TotalMilliseconds.ToString("0", c)} ms{dropped})");
    }
}
