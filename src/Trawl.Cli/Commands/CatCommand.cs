using System.CommandLine;
using Trawl.Cli.Input;
using Trawl.Cli.Output;
using Trawl.Formats.Output;
using Trawl.Formats.Tables;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl cat FILE</c>: prints any file Trawl can read as rows (JSON Lines or CSV), or its schema.</summary>
internal static class CatCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var file = new Argument<string>("FILE") { Description = $"The file to read ({string.Join(", ", TableReaders.Formats)}; .gz too); - (or /dev/stdin) reads standard input, buffered to a temporary file." };
        var limit = new Option<long?>("--limit") { Description = "Print at most this many rows (default: all).", HelpName = "N" };
        OptionRange.Require(limit, 1, long.MaxValue, "--limit must be a positive number");
        var format = new Option<string>("--format")
        {
            Description = "Output format: jsonl (one JSON object per row) or csv (with a header row).",
            DefaultValueFactory = _ => "jsonl",
            HelpName = "FORMAT",
        };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var columns = new Option<string[]>("--columns") { Description = "Print only these columns, in this order (comma-separated or repeated).", HelpName = "A,B" };
        var schema = new Option<bool>("--schema") { Description = "Print the file's columns and their types instead of rows." };
        var json = new Option<bool>("--json") { Description = "With --schema: print the schema as JSON." };
        var inputFormat = new Option<string?>("--input-format") { Description = $"The file's format when its extension does not say it ({string.Join(", ", TableReaders.Formats)}).", HelpName = "FORMAT" };
        inputFormat.AcceptOnlyFromAmong(TableReaders.Formats.ToArray());
        var jsonPath = new Option<string?>("--json-path") { Description = "For a JSON document: the key (dotted for depth) of the array holding the rows, like COCO's 'annotations'.", HelpName = "KEY" };
        var flatten = new Option<bool>("--flatten") { Description = "Turn nested JSON objects into columns named parent_child." };
        var dataset = new Option<string?>("--dataset") { Description = "For an HDF5 file (.h5): print this dataset's rows (one JSON array per row, or CSV); without it the datasets are listed.", HelpName = "NAME" };

        var htmlToText = new Option<bool>("--html-to-text") { Description = "For WARC sources: show readable text extracted from the HTML of HTTP responses instead of the HTML." };

        var command = new Command("cat", "Print the rows of any file Trawl can read, as JSON Lines or CSV, or its schema: a quick look at a source before ingesting it. For HDF5 (.h5): list the datasets, or print one with --dataset.")
        {
            file, limit, format, columns, schema, json, inputFormat, jsonPath, flatten, htmlToText, dataset,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            if (Hdf5Cat.Handles(path) && parse.GetValue(inputFormat) is null)
            {
                if (parse.GetValue(dataset) is { } name)
                    Hdf5Cat.Rows(terminal, path, name, parse.GetValue(limit) ?? long.MaxValue, parse.GetValue(format) == "csv", terminal.Cancel);
                else
                    Hdf5Cat.List(terminal, path, parse.GetValue(json));
                return CliExitCode.Ok;
            }
            if (parse.GetValue(dataset) is not null)
                throw new Trawl.Store.UserErrorException("--dataset applies to HDF5 files (.h5, .hdf5)");
            List<string> wanted = ColumnList.Parse(parse.GetValue(columns));
            var options = new TableReaderOptions
            {
                Format = parse.GetValue(inputFormat),
                JsonPath = parse.GetValue(jsonPath),
                Flatten = parse.GetValue(flatten),
                HtmlToText = parse.GetValue(htmlToText),
                Columns = wanted.Count > 0 ? wanted : null,
            };
            using var stdin = StandardInputFile.IsStandardInput(path) ? StandardInputFile.Buffer(terminal.OpenInput, options.Format, terminal.Cancel) : null;
            using ITableReader reader = TableReaders.Open(stdin?.Path ?? path, options);
            using var output = new TextWriterStream(terminal.Out);
            if (parse.GetValue(schema))
            {
                if (parse.GetValue(json))
                    SchemaWriter.WriteJson(output, reader);
                else
                    SchemaWriter.WriteText(terminal.Out, reader);
                return CliExitCode.Ok;
            }
            using IRowWriter writer = parse.GetValue(format) == "csv"
                ? new CsvRowWriter(output, reader.Schema, leaveOpen: true)
                : new JsonLinesRowWriter(output, reader.Schema, leaveOpen: true);
            Copy(reader, writer, parse.GetValue(limit) ?? long.MaxValue, terminal.Cancel);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static void Copy(ITableReader reader, IRowWriter writer, long max, CancellationToken cancel)
    {
        Interrupts.StopCleanly();
        var batch = new ColumnBatch(reader.Schema.Count);
        long written = 0;
        while (written < max && reader.ReadBatch(batch, (int)Math.Min(1024, max - written)))
        {
            cancel.ThrowIfCancellationRequested();
            writer.WriteBatch(batch);
            written += batch.RowCount;
        }
        writer.Flush();
    }
}
