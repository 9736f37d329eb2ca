using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Trawl.Cli.Output;
using Trawl.Cli.Progress;
using Trawl.Store;
using Trawl.Store.Datasets;
using Trawl.Store.AnnIndexes;
using Trawl.Store.VectorSets;

namespace Trawl.Cli.Commands;

/// <summary>
/// <c>trawl index DATASET --vectors NAME --index HNSW32</c>: builds a vector set's nearest-neighbour index;
/// <c>--auto --max-memory 4G</c> picks one for a memory budget; <c>--base BASE.npy --out FILE</c> indexes a bare file;
/// with only DATASET, lists the dataset's indexes.
/// </summary>
internal static class IndexCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var dataset = new Argument<string?>("DATASET")
        {
            Description = "The dataset folder (NAME.trawl); omit it with --base.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var vectors = new Option<string?>("--vectors") { Description = "The vector set to index (see trawl info).", HelpName = "NAME" };
        var index = new Option<string?>("--index") { Description = "What to build, as a factory string: HNSW32, HNSW16,SQ8, IVF4096,PQ64, IVF4096,PQ64,Refine or Flat.", HelpName = "FACTORY" };
        var auto = new Option<bool>("--auto") { Description = "Choose the index kind and parameters from --max-memory (see docs/indexes.md for the rule)." };
        var maxMemory = new Option<string?>("--max-memory") { Description = "Memory budget for --auto, e.g. 4G or 512M (binary units; default: half of this machine's memory).", HelpName = "SIZE" };
        var efConstruction = CommonOptions.PositiveInt("--ef-construction", 100, "HNSW: beam width while inserting; larger builds slower and finds neighbours better.");
        var threads = new Option<int?>("--threads") { Description = "Build threads (default: all cores).", HelpName = "N" };
        OptionRange.Require(threads, 1, 4096, "--threads must be a number from 1 to 4096");
        var seed = new Option<int>("--seed") { Description = "Seed of every random choice; the same seed, data and options build the same index.", DefaultValueFactory = _ => 1, HelpName = "N" };
        var metric = new Option<string?>("--metric") { Description = "ip, cosine or l2 (default: the vector set's own; ip for --base).", HelpName = "METRIC" };
        var baseFile = new Option<string?>("--base") { Description = "Index a bare 2-D float32/float16 .npy file instead of a dataset's vector set (needs --out).", HelpName = "BASE.npy" };
        var outFile = new Option<string?>("--out") { Description = "With --base: the index file to write, e.g. base.hnsw.", HelpName = "FILE" };
        var recallQueries = new Option<int>("--recall-queries") { Description = "Rows of the set used as queries for the recall estimate (0 skips it).", DefaultValueFactory = _ => IndexRecall.DefaultQueries, HelpName = "N" };
        OptionRange.Require(recallQueries, 0, 100_000, "--recall-queries must be a number from 0 to 100000");
        var json = CommonOptions.Json("the build report");

        var command = new Command("index", "Build a nearest-neighbour index (HNSW or IVF-PQ) over a dataset's vector set or a bare .npy file, and report its size and a recall estimate. With only DATASET: list its indexes.")
        {
            dataset, vectors, index, auto, maxMemory, efConstruction, threads, seed, metric, baseFile, outFile, recallQueries, json,
        };
        command.SetAction(parse =>
        {
            string? datasetPath = parse.GetValue(dataset);
            string? basePath = parse.GetValue(baseFile);
            string? factory = parse.GetValue(index);
            bool isAuto = parse.GetValue(auto);
            string? budgetText = parse.GetValue(maxMemory);
            bool asJson = parse.GetValue(json);
            if (basePath is not null && datasetPath is not null)
                throw new UserErrorException("give either DATASET (with --vectors) or --base, not both");
            if (basePath is null && datasetPath is null)
                throw new UserErrorException("give a DATASET (with --vectors NAME) or --base BASE.npy --out FILE");
            if (factory is not null && isAuto)
                throw new UserErrorException("--index and --auto cannot be used together");
            if (budgetText is not null && !isAuto)
                throw new UserErrorException("--max-memory only applies with --auto");
            if (basePath is null && factory is null && !isAuto)
            {
                if (parse.GetValue(vectors) is not null)
                    throw new UserErrorException("say what to build: --index FACTORY (e.g. HNSW32) or --auto");
                List(terminal, datasetPath!, asJson);
                return CliExitCode.Ok;
            }
            if (factory is null && !isAuto)
                throw new UserErrorException("say what to build: --index FACTORY (e.g. HNSW32) or --auto");

            var options = new DatasetIndexBuildOptions
            {
                EfConstruction = parse.GetValue(efConstruction),
                Threads = parse.GetValue(threads),
                Seed = parse.GetValue(seed),
                Metric = parse.GetValue(metric) is { } m ? VectorMetricNames.Parse(m, "--metric") : null,
            };
            int queries = parse.GetValue(recallQueries);
            IndexChoice? choice = null;
            long budget = 0;
            IndexBuildReport report;
            RecallEstimate? recall = null;
            string? setName = null;
            if (basePath is not null)
            {
                string outPath = parse.GetValue(outFile) ?? throw new UserErrorException("--base needs --out FILE, the index file to write");
                if (parse.GetValue(vectors) is not null) throw new UserErrorException("--vectors names a dataset's vector set; it does not apply with --base");
                if (isAuto)
                {
                    var (rows, dim, vectorBytes) = BareIndexes.Describe(basePath);
                    budget = Budget(budgetText);
                    choice = IndexChooser.Choose(rows, dim, vectorBytes / dim, budget);
                    factory = choice.Factory;
                }
                string f = factory!;
                report = IndexProgressDisplay.Run(terminal, (progress, cancel) =>
                    BareIndexes.Build(basePath, f, outPath, options.Metric ?? Trawl.Vectors.VectorMetric.InnerProduct, options, progress, cancel));
                if (queries > 0) recall = BareIndexes.EstimateRecall(basePath, report.Path, queries);
            }
            else
            {
                if (parse.GetValue(outFile) is not null) throw new UserErrorException("--out applies with --base; a dataset's index goes to NAME.trawl/indexes/");
                using (var ds = Dataset.Open(datasetPath!))
                {
                    var set = ds.ChooseVectorSet(parse.GetValue(vectors));
                    setName = set.Name;
                    if (isAuto)
                    {
                        budget = Budget(budgetText);
                        choice = IndexChooser.Choose(set.Count, set.Dimension, (int)(set.VectorBytes / set.Dimension), budget);
                        factory = choice.Factory;
                    }
                }
                string f = factory!, name = setName;
                report = IndexProgressDisplay.Run(terminal, (progress, cancel) =>
                    DatasetIndexes.Build(datasetPath!, name, f, options, progress, cancel));
                if (queries > 0)
                {
                    using var ds = Dataset.Open(datasetPath!);
                    using var opened = DatasetIndexes.Open(ds, setName, required: true)!;
                    recall = IndexRecall.Estimate(opened, null, queries);
                }
            }
            if (asJson)
                WriteJson(terminal.Out, datasetPath, basePath, setName, report, recall, choice, budget);
            else
                WriteText(terminal.Out, datasetPath, basePath, setName, report, recall, choice, budget);
            return CliExitCode.Ok;
        });
        return command;
    }

    /// <summary>The budget given, else half of the memory this process may use.</summary>
    private static long Budget(string? text) =>
        text is not null ? MemoryBudget.Parse(text) : Math.Max(1L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);

    private static void WriteText(TextWriter output, string? datasetPath, string? basePath, string? setName, IndexBuildReport r,
        RecallEstimate? recall, IndexChoice? choice, long budget)
    {
        var c = CultureInfo.InvariantCulture;
        if (choice is not null)
            output.WriteLine($"--auto with {MemoryBudget.Format(budget)}: {choice.Factory} ({choice.Reason})");
        string what = basePath is not null ? basePath : $"{datasetPath}: vector set {setName}";
        output.WriteLine($"{what}: built {r.Factory} ({VectorMetricNames.Name(r.Metric)}) over {r.Rows.ToString("N0", c)} × {r.Dimension} vectors in {r.Elapsed.TotalSeconds.ToString("0.00", c)} s");
        output.WriteLine($"  index file: {r.Path}, {MemoryBudget.Format(r.SizeBytes)} on disk ({r.IndexBytesPerVector.ToString("0.0", c)} bytes per vector)");
        output.WriteLine($"  memory per vector when searching: {r.MemoryBytesPerVector.ToString("0.0", c)} bytes"
            + (r.MemoryBytesPerVector > r.IndexBytesPerVector ? $" (the index plus the {r.VectorBytes}-byte vector its walks read)" : " (the vectors are read only to re-rank candidates)"));
        if (recall is not null)
            output.WriteLine($"  recall@{recall.K} ≈ {recall.Recall.ToString("0.000", c)} at {recall.Settings} ({recall.Queries} rows of the set as queries, against exact search); "
                + $"{recall.IndexMilliseconds.ToString("0.000", c)} ms per query, about {recall.QueriesPerSecond.ToString("N0", c)} queries/s (exact: {recall.ExactMilliseconds.ToString("0.000", c)} ms)");
    }

    private static void WriteJson(TextWriter output, string? datasetPath, string? basePath, string? setName, IndexBuildReport r,
        RecallEstimate? recall, IndexChoice? choice, long budget) =>
        new JsonOutput(output).WriteDocument(w =>
        {
            w.WriteStartObject();
            if (datasetPath is not null) w.WriteString("dataset", datasetPath);
            if (setName is not null) w.WriteString("vector_set", setName);
            if (basePath is not null) w.WriteString("base", basePath);
            w.WriteString("factory", r.Factory);
            w.WriteString("metric", VectorMetricNames.Name(r.Metric));
            w.WriteNumber("rows", r.Rows);
            w.WriteNumber("dimension", r.Dimension);
            w.WriteString("path", r.Path);
            w.WriteNumber("size_bytes", r.SizeBytes);
            w.WriteNumber("index_bytes_per_vector", Math.Round(r.IndexBytesPerVector, 2));
            w.WriteNumber("memory_bytes_per_vector", Math.Round(r.MemoryBytesPerVector, 2));
            w.WriteNumber("build_seconds", Math.Round(r.Elapsed.TotalSeconds, 3));
            if (choice is not null)
            {
                w.WriteStartObject("auto");
                w.WriteNumber("max_memory_bytes", budget);
                w.WriteNumber("estimated_bytes", choice.EstimatedBytes);
                w.WriteString("reason", choice.Reason);
                w.WriteEndObject();
            }
            if (recall is not null)
            {
                w.WriteStartObject("recall");
                w.WriteNumber("k", recall.K);
                w.WriteNumber("recall", Math.Round(recall.Recall, 4));
                w.WriteNumber("queries", recall.Queries);
                w.WriteString("settings", recall.Settings);
                w.WriteNumber("index_ms_per_query", Math.Round(recall.IndexMilliseconds, 4));
                w.WriteNumber("index_qps", Math.Round(recall.QueriesPerSecond, 1));
                w.WriteNumber("exact_ms_per_query", Math.Round(recall.ExactMilliseconds, 4));
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("recall");
            }
            w.WriteEndObject();
        });

    private static void List(CliTerminal terminal, string datasetPath, bool asJson)
    {
        using var ds = Dataset.Open(datasetPath);
        var indexes = DatasetIndexes.List(ds);
        if (asJson)
        {
            new JsonOutput(terminal.Out).WriteDocument(w =>
            {
                w.WriteStartObject();
                w.WriteString("dataset", ds.Directory);
                w.WriteStartArray("indexes");
                foreach (var i in indexes)
                {
                    w.WriteStartObject();
                    w.WriteString("vector_set", i.VectorSet);
                    w.WriteString("factory", i.Factory);
                    w.WriteString("metric", VectorMetricNames.Name(i.Metric));
                    w.WriteString("file", i.File);
                    w.WriteNumber("size_bytes", i.SizeBytes);
                    w.WriteString("built_at", i.BuiltAt);
                    w.WriteNumber("build_seconds", Math.Round(i.BuildSeconds, 3));
                    w.WriteBoolean("stale", i.Stale);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return;
        }
        if (indexes.Count == 0)
        {
            terminal.Out.WriteLine($"{ds.Name}: no vector indexes (build one with: trawl index {datasetPath} --vectors NAME --index HNSW32)");
            return;
        }
        var c = CultureInfo.InvariantCulture;
        IAnsiConsole console = Screen.ForOut(terminal);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("vector set").AddColumn("index").AddColumn("metric").AddColumn("file")
            .AddColumn(new TableColumn("size").RightAligned()).AddColumn("built").AddColumn("state");
        foreach (var i in indexes)
            table.AddRow(new Text(CellText.Sanitize(i.VectorSet)), new Text(i.Factory), new Text(VectorMetricNames.Name(i.Metric)), new Text(CellText.Sanitize(i.File)),
                new Text(MemoryBudget.Format(i.SizeBytes)), new Text($"{i.BuiltAt} ({i.BuildSeconds.ToString("0.0", c)} s)"), new Text(i.Stale ? "stale: rebuild" : "current"));
        console.Write(table);
    }
}
