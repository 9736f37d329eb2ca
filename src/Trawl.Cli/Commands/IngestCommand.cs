using System.CommandLine;
using System.Globalization;
using Trawl.Cli.Input;
using Trawl.Cli.Output;
using Trawl.Cli.Progress;
using Trawl.Formats.Tables;
using Trawl.Store;
using Trawl.Store.Ingest;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl ingest DATASET SOURCE...</c>: loads files into a table of a dataset.</summary>
internal static class IngestCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var dataset = new Argument<string>("DATASET")
        {
            Description = "The dataset folder to load into (NAME.trawl); created if it does not exist.",
        };
        var sources = new Argument<string[]>("SOURCE")
        {
            Description = "Files to load, in order, into one table; - (or /dev/stdin) reads standard input (buffered to a temporary file; table 'stdin' unless --table). Wildcards in the file name (data/part-*.csv) are expanded by trawl itself. A clip-retrieval output folder loads its metadata parts with their image and text embeddings.",
            Arity = ArgumentArity.OneOrMore,
        };
        var table = new Option<string?>("--table") { Description = "Name of the table to load into (default: the first source's file name without extensions).", HelpName = "NAME" };
        var format = new Option<string?>("--format") { Description = $"Input format, for files whose extension does not say it ({string.Join(", ", TableReaders.Formats)}). Compression (gzip, zstd, bzip2, xz) is told by the file's first bytes and always looked through; without --format the format comes from the name under the compression extension (a.jsonl.zst) or from the first bytes.", HelpName = "FORMAT" };
        var search = new Option<string[]>("--search") { Description = "A column to index for full-text search; repeat or comma-separate for several (default: the caption/TEXT/text column, else the longest text column).", HelpName = "COL" };
        var noSearch = new Option<bool>("--no-search") { Description = "Build no full-text index." };
        var pk = new Option<string?>("--pk") { Description = "A column of unique keys to index and address rows by (a repeat is an error).", HelpName = "COL" };
        var where = new Option<string?>("--where") { Description = "Keep only rows where this SQL expression over the source's columns is true, e.g. \"NSFW = 'UNLIKELY' AND WIDTH >= 256\".", HelpName = "EXPR" };
        var flatten = new Option<bool>("--flatten") { Description = "Turn nested JSON objects into columns named parent_child (otherwise they are kept as JSON text)." };
        var jsonPath = new Option<string?>("--json-path") { Description = "For a JSON document: the key (dotted for depth, e.g. data.rows) of the array holding the rows, like COCO's 'annotations'.", HelpName = "KEY" };
        var htmlToText = new Option<bool>("--html-to-text") { Description = "For WARC sources: the text column of HTTP responses holds readable text extracted from the HTML (scripts and styles dropped, entities decoded) instead of the HTML." };
        var attributesOf = new Option<string?>("--attributes-of") { Description = "The sources are attribute files (Dolma's {\"id\": ..., \"attributes\": {...}}, RedPajama-V2's quality_signals) to join to the documents of this existing table by --key: scalar attributes become columns, span lists ([[start, end, score], ...]) a NAME_count column plus their spans. Ids matching no document, repeated ids and spans outside the text or overlapping are skipped and reported.", HelpName = "TABLE" };
        var key = new Option<string>("--key") { Description = "With --attributes-of: the field of the attribute records and the column of the documents that join them (default: id).", HelpName = "COL", DefaultValueFactory = _ => "id" };
        var textColumn = new Option<string?>("--text-column") { Description = "With --attributes-of: the column the spans point into (default: the table's search column).", HelpName = "COL" };
        var derive = new Option<string[]>("--derive") { Description = "Add a derived column: domain=URLCOL adds 'domain' holding the host name of URLCOL (NAME=domain(URLCOL) names it NAME); NAME=token_count(TEXTCOL, 'cl100k_base') counts BPE tokens (o200k_base, gpt2 too); NAME=word_count(TEXTCOL) counts whitespace-separated words, NAME=byte_count(TEXTCOL) UTF-8 bytes; NAME=folder() holds each source's top folder under the sources' common folder (RedPajama's arxiv, c4...), NAME=file() its path there. Repeatable.", HelpName = "SPEC" };
        var convert = new Option<string[]>("--convert") { Description = "Clean a source column as it is loaded: COL=python-list-to-json turns Python-list text such as ['rock', \"men's voice\"] into a JSON array (NULL where the text is not a list), so array facets and json_each work. Repeatable.", HelpName = "COL=CONVERSION" };
        var fk = new Option<string[]>("--fk") { Description = "Record a foreign key: COL=TABLE.COLUMN says this table's COL holds TABLE's COLUMN values (COCO's image_id=images.id); pages show it as a link to that row. Repeatable.", HelpName = "COL=TABLE.COLUMN" };
        var dedupe = new Option<string?>("--dedupe") { Description = "Drop rows whose values in these columns (comma-separated) repeat an earlier row's, e.g. URL,TEXT.", HelpName = "COL[,COL]" };
        var index = new Option<string[]>("--index") { Description = "Columns to index for fast filters, sorts and facets over filtered rows (comma-separated or repeated). Whole-table facets need no index.", HelpName = "COL" };
        var append = new Option<bool>("--append") { Description = "Add rows to an existing table (new columns in the source are added)." };
        var replace = new Option<bool>("--replace") { Description = "Replace an existing table. Without --append or --replace an existing table is an error." };
        var json = new Option<bool>("--json") { Description = "Print the ingest report as JSON." };
        var vectors = new Option<string[]>("--vectors") { Description = "Load a vector set beside the rows: NAME=GLOB of .npy files (or FILE.npz[:MEMBER]), paired with the sources by the part number in the file names; rows dropped by --where/--dedupe are dropped from the vectors too. Repeatable.", HelpName = "NAME=GLOB" };
        var meta = new Option<string?>("--meta") { Description = "With HDF5 sources (a SISAP subset such as laion2B-en-clip768v2-n=300K.h5, its pca32/pca96 files): the rows' metadata, one row per vector in the same order (the TSV `trawl sisap subset --meta-out` writes, or Parquet, CSV...). Every 2-d float dataset of the .h5 files (emb, pca32, pca96) becomes a vector set named after it. Without --meta the rows are the file's own: a 1-based id (the challenge's numbering) and its other datasets (knns, dists) as columns.", HelpName = "FILE" };
        var vectorType = new Option<string>("--vector-type") { Description = "How vector sets are stored: f16 (default; float32 input is converted) or f32.", HelpName = "f16|f32", DefaultValueFactory = _ => "f16" };

        var command = new Command("ingest", "Load CSV, TSV, JSON Lines, JSON, Parquet, WARC/WET/WAT files, webdataset .tar shards (images kept by reference) or HDF5 files (SISAP subsets: 2-d float datasets become vector sets, --meta gives the rows) (optionally gzip, zstd, bzip2 or xz compressed) into a table of a dataset, with filters, derived columns, dedupe and a full-text index. All or nothing: a failed ingest leaves the dataset as it was.")
        {
            dataset, sources, table, format, search, noSearch, pk, where, flatten, jsonPath, htmlToText, attributesOf, key, textColumn, derive, convert, fk, dedupe, index, append, replace, json, vectors, meta, vectorType,
        };
        vectorType.AcceptOnlyFromAmong("f16", "f32");
        format.AcceptOnlyFromAmong(TableReaders.Formats.ToArray());

        command.SetAction(parse =>
        {
            string datasetPath = parse.GetValue(dataset)!;
            if (parse.GetValue(append) && parse.GetValue(replace))
                throw new UserErrorException("--append and --replace cannot be used together");
            List<string> searchColumns = ColumnList.Parse(parse.GetValue(search));
            bool none = parse.GetValue(noSearch);
            if (none && searchColumns.Count > 0)
                throw new UserErrorException("--search and --no-search cannot be used together");

            if (parse.GetValue(attributesOf) is { } documents)
            {
                // Attribute files update existing documents; the options that shape a row ingest do not apply.
                string[] rowOptions = [.. new (string Name, bool Given)[]
                {
                    ("--where", parse.GetValue(where) is not null), ("--derive", (parse.GetValue(derive) ?? []).Length > 0), ("--convert", (parse.GetValue(convert) ?? []).Length > 0),
                    ("--append", parse.GetValue(append)), ("--replace", parse.GetValue(replace)), ("--vectors", (parse.GetValue(vectors) ?? []).Length > 0),
                    ("--dedupe", parse.GetValue(dedupe) is not null), ("--table", parse.GetValue(table) is not null), ("--pk", parse.GetValue(pk) is not null),
                }.Where(o => o.Given).Select(o => o.Name)];
                if (rowOptions.Length > 0)
                    throw new UserErrorException($"--attributes-of joins attribute files to an existing table; {string.Join(", ", rowOptions)} cannot be used with it");
                return AttributesIngest.Run(terminal, datasetPath, SourceGlob.Expand(parse.GetValue(sources) ?? []), documents, parse.GetValue(key) ?? "id", parse.GetValue(textColumn), parse.GetValue(json));
            }
            string[] sourceArgs = parse.GetValue(sources) ?? [];
            using var stdin = sourceArgs.Length == 1 && StandardInputFile.IsStandardInput(sourceArgs[0])
                ? StandardInputFile.Buffer(terminal.OpenInput, parse.GetValue(format), terminal.Cancel) : null;
            if (stdin is null && sourceArgs.Any(StandardInputFile.IsStandardInput))
                throw new UserErrorException("standard input ('-') must be the only source");
            var (sourceFiles, vectorFiles) = ExpandSources(stdin is null ? sourceArgs : [stdin.Path], parse.GetValue(vectors) ?? [], parse.GetValue(meta));
            var request = new IngestRequest
            {
                Sources = sourceFiles,
                Vectors = vectorFiles,
                VectorType = parse.GetValue(vectorType) ?? "f16",
                Table = parse.GetValue(table),
                Format = parse.GetValue(format),
                SearchColumns = none ? [] : searchColumns.Count > 0 ? searchColumns : null,
                PrimaryKey = parse.GetValue(pk),
                Where = parse.GetValue(where),
                Flatten = parse.GetValue(flatten),
                JsonPath = parse.GetValue(jsonPath),
                HtmlToText = parse.GetValue(htmlToText),
                Derive = parse.GetValue(derive) ?? [],
                Convert = parse.GetValue(convert) ?? [],
                ForeignKeys = parse.GetValue(fk) ?? [],
                DedupeColumns = ColumnList.Parse(parse.GetValue(dedupe) is { } d ? [d] : []),
                IndexColumns = ColumnList.Parse(parse.GetValue(index)),
                Mode = parse.GetValue(append) ? IngestMode.Append : parse.GetValue(replace) ? IngestMode.Replace : IngestMode.Create,
            };

            IngestReport report = IngestProgressDisplay.Run(terminal, (progress, cancel) => DatasetIngest.Run(datasetPath, request, progress, cancel));
            foreach (string skipped in report.SkipMessages)
                terminal.Err.WriteLine($"trawl: warning: {skipped}");
            if (report.SkippedRecords > report.SkipMessages.Count)
                terminal.Err.WriteLine($"trawl: warning: and {report.SkippedRecords - report.SkipMessages.Count} more left out");
            if (parse.GetValue(json))
                WriteJson(terminal.Out, datasetPath, request.Sources, report);
            else
                terminal.Out.WriteLine(Summary(datasetPath, report));
            return CliExitCode.Ok;
        });
        return command;
    }

    /// <summary>The sources (a clip-retrieval output folder stands for its metadata parts and embeddings) and the
    /// --vectors NAME=GLOB files.</summary>
    internal static (IReadOnlyList<string> Sources, IReadOnlyDictionary<string, IReadOnlyList<string>> Vectors) ExpandSources(string[] sources, string[] vectorSpecs, string? meta = null)
    {
        if (sources.Any(Hdf5IngestSources.IsHdf5))
        {
            var expanded = SourceGlob.Expand(sources);
            if (vectorSpecs.Length > 0)
                throw new UserErrorException("--vectors cannot be used with HDF5 sources: their 2-d float datasets are the vector sets");
            var h5 = Hdf5IngestSources.Expand(expanded, meta);
            return (h5.Sources, h5.Vectors);
        }
        if (meta is not null)
            throw new UserErrorException("--meta joins metadata to HDF5 sources (.h5); for other sources give the metadata as the source and the vectors with --vectors");
        var vectors = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        IReadOnlyList<string> files;
        if (sources.Length == 1 && Directory.Exists(sources[0]) && ClipRetrievalFolder.Find(sources[0]) is { } folder)
        {
            files = folder.Sources;
            foreach (var (name, list) in folder.Vectors)
                vectors[name] = list;
        }
        else
        {
            files = SourceGlob.Expand(sources);
        }
        foreach (string spec in vectorSpecs)
        {
            int eq = spec.IndexOf('=');
            if (eq <= 0 || eq == spec.Length - 1)
                throw new UserErrorException($"--vectors '{spec}': expected NAME=GLOB, e.g. image='img_emb/img_emb_*.npy'");
            string name = spec[..eq].Trim();
            string pattern = spec[(eq + 1)..].Trim();
            // "emb.npz:arr_0": the member is not part of the file pattern.
            int member = pattern.LastIndexOf(".npz:", StringComparison.OrdinalIgnoreCase);
            string suffix = member >= 0 ? pattern[(member + 4)..] : "";
            string glob = member >= 0 ? pattern[..(member + 4)] : pattern;
            vectors[name] = SourceGlob.Expand([glob]).Select(f => f + suffix).ToList();
        }
        return (files, vectors);
    }

    internal static string Summary(string datasetPath, IngestReport r)
    {
        var c = CultureInfo.InvariantCulture;
        double seconds = r.Elapsed.TotalSeconds;
        string rate = seconds > 0 ? $", {(r.RowsRead / seconds).ToString("N0", c)} rows/s" : "";
        string added = r.ColumnsAdded.Count > 0 ? $"; columns added: {string.Join(", ", r.ColumnsAdded)}" : "";
        return $"{datasetPath}: table {r.Table}: {r.RowsRead.ToString("N0", c)} rows read, {r.RowsKept.ToString("N0", c)} kept, "
            + $"{r.RowsFiltered.ToString("N0", c)} filtered out, {r.Duplicates.ToString("N0", c)} duplicates dropped{added} "
            + $"in {seconds.ToString("0.00", c)} s{rate}"
            + (r.SkippedSources > 0 ? $"; skipped {r.SkippedSources} already ingested part{(r.SkippedSources == 1 ? "" : "s")}" : "")
            + (r.SkippedRecords > 0 ? $"; left out {r.SkippedRecords.ToString("N0", c)} refused or damaged record{(r.SkippedRecords == 1 ? "" : "s")} (listed above)" : "")
            + string.Concat(r.VectorSets.Select(v => $"; vector set {v.Name}: {v.Count.ToString("N0", c)} × {v.Dimension}"));
    }

    internal static string PhaseName(IngestPhase phase) => phase switch
    {
        IngestPhase.Rows => "rows",
        IngestPhase.FullText => "fts",
        IngestPhase.Statistics => "stats",
        IngestPhase.Commit => "commit",
        IngestPhase.ColumnFiles => "columns",
        IngestPhase.Ranking => "ranking",
        _ => phase.ToString(),
    };

    internal static void WriteJson(TextWriter output, string datasetPath, IReadOnlyList<string> sources, IngestReport r) =>
        new JsonOutput(output).WriteDocument(w =>
        {
            w.WriteStartObject();
            w.WriteString("dataset", datasetPath);
            w.WriteString("table", r.Table);
            JsonOutput.WriteStrings(w, "sources", sources);
            w.WriteNumber("rows_read", r.RowsRead);
            w.WriteNumber("rows_kept", r.RowsKept);
            w.WriteNumber("rows_filtered", r.RowsFiltered);
            w.WriteNumber("duplicates", r.Duplicates);
            JsonOutput.WriteStrings(w, "columns_added", r.ColumnsAdded);
            w.WriteNumber("skipped_sources", r.SkippedSources);
            w.WriteNumber("skipped_records", r.SkippedRecords);
            JsonOutput.WriteStrings(w, "skip_messages", r.SkipMessages);
            w.WriteString("journal", r.Journal switch
            {
                AppendJournal.NewDataset => "new",
                AppendJournal.WriteAheadLog => "wal",
                _ => "rollback",
            });
            w.WriteNumber("fts_second_thread_rows", r.FullTextSecondThreadRows);
            w.WriteStartArray("vector_sets");
            foreach (var v in r.VectorSets)
            {
                w.WriteStartObject();
                w.WriteString("name", v.Name);
                w.WriteNumber("count", v.Count);
                w.WriteNumber("dimension", v.Dimension);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("seconds", Math.Round(r.Elapsed.TotalSeconds, 3));
            w.WriteStartObject("phase_seconds");
            foreach (var p in r.Phases)
                w.WriteNumber(PhaseName(p.Phase), Math.Round(p.Elapsed.TotalSeconds, 3));
            w.WriteEndObject();
            w.WriteStartObject("phase_cpu_seconds");
            foreach (var p in r.Phases)
                w.WriteNumber(PhaseName(p.Phase), Math.Round(p.Cpu.TotalSeconds, 3));
            w.WriteEndObject();
            w.WriteEndObject();
        });
}
