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
            Description = "Files to load, in order, into one table. Wildcards in the file name (data/part-*.csv) are expanded by trawl itself.",
            Arity = ArgumentArity.OneOrMore,
        };
        var table = new Option<string?>("--table") { Description = "Name of the table to load into (default: the first source's file name without extensions).", HelpName = "NAME" };
        var format = new Option<string?>("--format") { Description = $"Input format, for files whose extension does not say it ({string.Join(", ", TableReaders.Formats)}); a trailing .gz is always decompressed.", HelpName = "FORMAT" };
        var search = new Option<string[]>("--search") { Description = "A column to index for full-text search; repeat or comma-separate for several (default: the caption/TEXT/text column, else the longest text column).", HelpName = "COL" };
        var noSearch = new Option<bool>("--no-search") { Description = "Build no full-text index." };
        var pk = new Option<string?>("--pk") { Description = "A column of unique keys to index and address rows by (a repeat is an error).", HelpName = "COL" };
        var where = new Option<string?>("--where") { Description = "Keep only rows where this SQL expression over the source's columns is true, e.g. \"NSFW = 'UNLIKELY' AND WIDTH >= 256\".", HelpName = "EXPR" };
        var flatten = new Option<bool>("--flatten") { Description = "Turn nested JSON objects into columns named parent_child (otherwise they are kept as JSON text)." };
        var jsonPath = new Option<string?>("--json-path") { Description = "For a JSON document: the key (dotted for depth, e.g. data.rows) of the array holding the rows, like COCO's 'annotations'.", HelpName = "KEY" };
        var derive = new Option<string[]>("--derive") { Description = "Add a derived column: domain=URLCOL adds 'domain' holding the host name of URLCOL; NAME=domain(URLCOL) names it NAME. Repeatable.", HelpName = "SPEC" };
        var dedupe = new Option<string?>("--dedupe") { Description = "Drop rows whose values in these columns (comma-separated) repeat an earlier row's, e.g. URL,TEXT.", HelpName = "COL[,COL]" };
        var index = new Option<string[]>("--index") { Description = "Columns to index for fast filters, sorts and facets over filtered rows (comma-separated or repeated). Whole-table facets need no index.", HelpName = "COL" };
        var append = new Option<bool>("--append") { Description = "Add rows to an existing table (new columns in the source are added)." };
        var replace = new Option<bool>("--replace") { Description = "Replace an existing table. Without --append or --replace an existing table is an error." };
        var json = new Option<bool>("--json") { Description = "Print the ingest report as JSON." };

        var command = new Command("ingest", "Load CSV, TSV, JSON Lines or JSON files (optionally .gz) into a table of a dataset, with filters, derived columns, dedupe and a full-text index. All or nothing: a failed ingest leaves the dataset as it was.")
        {
            dataset, sources, table, format, search, noSearch, pk, where, flatten, jsonPath, derive, dedupe, index, append, replace, json,
        };
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

            var request = new IngestRequest
            {
                Sources = SourceGlob.Expand(parse.GetValue(sources) ?? []),
                Table = parse.GetValue(table),
                Format = parse.GetValue(format),
                SearchColumns = none ? [] : searchColumns.Count > 0 ? searchColumns : null,
                PrimaryKey = parse.GetValue(pk),
                Where = parse.GetValue(where),
                Flatten = parse.GetValue(flatten),
                JsonPath = parse.GetValue(jsonPath),
                DeriveDomain = DeriveSpec.ParseAll(parse.GetValue(derive) ?? []),
                DedupeColumns = ColumnList.Parse(parse.GetValue(dedupe) is { } d ? [d] : []),
                IndexColumns = ColumnList.Parse(parse.GetValue(index)),
                Mode = parse.GetValue(append) ? IngestMode.Append : parse.GetValue(replace) ? IngestMode.Replace : IngestMode.Create,
            };

            IngestReport report = IngestProgressDisplay.Run(terminal, (progress, cancel) => DatasetIngest.Run(datasetPath, request, progress, cancel));
            if (parse.GetValue(json))
                WriteJson(terminal.Out, datasetPath, request.Sources, report);
            else
                terminal.Out.WriteLine(Summary(datasetPath, report));
            return CliExitCode.Ok;
        });
        return command;
    }

    internal static string Summary(string datasetPath, IngestReport r)
    {
        var c = CultureInfo.InvariantCulture;
        double seconds = r.Elapsed.TotalSeconds;
        string rate = seconds > 0 ? $", {(r.RowsRead / seconds).ToString("N0", c)} rows/s" : "";
        string added = r.ColumnsAdded.Count > 0 ? $"; columns added: {string.Join(", ", r.ColumnsAdded)}" : "";
        return $"{datasetPath}: table {r.Table}: {r.RowsRead.ToString("N0", c)} rows read, {r.RowsKept.ToString("N0", c)} kept, "
            + $"{r.RowsFiltered.ToString("N0", c)} filtered out, {r.Duplicates.ToString("N0", c)} duplicates dropped{added} "
            + $"in {seconds.ToString("0.00", c)} s{rate}";
    }

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
            w.WriteNumber("seconds", Math.Round(r.Elapsed.TotalSeconds, 3));
            w.WriteEndObject();
        });
}
