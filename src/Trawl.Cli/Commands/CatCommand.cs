using System.CommandLine;
using System.Text;
using Trawl.Cli.Input;
using Trawl.Cli.Output;
using Trawl.Formats.Tables;
using Trawl.Store;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl cat FILE</c>: prints any file Trawl can read as rows (JSON Lines or CSV), or its schema.</summary>
internal static class CatCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var file = new Argument<string>("FILE") { Description = "The file to read (CSV, TSV, JSON Lines, JSON; .gz too)." };
        var limit = CommonOptions.PositiveInt("--limit", int.MaxValue, "Print at most this many rows (default: all).");
        limit.DefaultValueFactory = null;
        var format = new Option<string>("--format")
        {
            Description = "Output format: jsonl (one JSON object per row) or csv (with a header row).",
            DefaultValueFactory = _ => "jsonl",
            HelpName = "FORMAT",
        };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var columns = new Option<string[]>("--columns") { Description = "Print only these columns, in this order (comma-separated or repeated).", HelpName = "A,B" };
        var schema = new Option<bool>("--schema") { Description = "Print the file's columns and their types instead of rows." };
        var inputFormat = new Option<string?>("--input-format") { Description = $"The file's format when its extension does not say it ({string.Join(", ", TableReaders.Formats)}).", HelpName = "FORMAT" };
        inputFormat.AcceptOnlyFromAmong(TableReaders.Formats.ToArray());
        var jsonPath = new Option<string?>("--json-path") { Description = "For a JSON document: the key (dotted for depth) of the array holding the rows.", HelpName = "KEY" };
        var flatten = new Option<bool>("--flatten") { Description = "Turn nested JSON objects into columns named parent_child." };

        var command = new Command("cat", "Print the rows of any file Trawl can read, as JSON Lines or CSV, or its schema: a quick look at a source before ingesting it.")
        {
            file, limit, format, columns, schema, inputFormat, jsonPath, flatten,
        };
        command.SetAction(parse =>
        {
            List<string> wanted = ColumnList.Parse(parse.GetValue(columns));
            var options = new TableReaderOptions
            {
                Format = parse.GetValue(inputFormat),
                JsonPath = parse.GetValue(jsonPath),
                Flatten = parse.GetValue(flatten),
                Columns = wanted.Count > 0 ? wanted : null,
            };
            using ITableReader reader = TableReaders.Open(parse.GetValue(file)!, options);
            if (parse.GetValue(schema))
            {
                WriteSchema(terminal.Out, reader);
                return CliExitCode.Ok;
            }
            int[] order = ColumnOrder(reader, wanted);
            long max = parse.GetResult(limit) is null ? long.MaxValue : parse.GetValue(limit);
            bool csv = parse.GetValue(format) == "csv";
            WriteRows(terminal, reader, order, max, csv);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static int[] ColumnOrder(ITableReader reader, List<string> wanted)
    {
        if (wanted.Count == 0)
            return Enumerable.Range(0, reader.Schema.Count).ToArray();
        return wanted.Select(name =>
        {
            int i = reader.Schema.IndexOf(name);
            return i >= 0 ? i : throw new UserErrorException(
                $"{reader.Path}: no column '{name}' (columns: {string.Join(", ", reader.Schema.Columns.Select(c => c.Name))})");
        }).ToArray();
    }

    private static void WriteSchema(TextWriter output, ITableReader reader)
    {
        new JsonOutput(output).WriteDocument(w =>
        {
            w.WriteStartObject();
            w.WriteString("path", reader.Path);
            if (reader.RowCount is { } rows) w.WriteNumber("rows", rows); else w.WriteNull("rows");
            w.WriteStartArray("columns");
            foreach (ColumnSchema c in reader.Schema.Columns)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("type", c.Type.ToString().ToLowerInvariant());
                if (c.Description is not null)
                    w.WriteString("description", c.Description);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void WriteRows(CliTerminal terminal, ITableReader reader, int[] order, long max, bool csv)
    {
        var names = order.Select(i => reader.Schema.Columns[i].Name).ToArray();
        var json = new JsonOutput(terminal.Out);
        var csvOut = new CsvOutput(terminal.Out);
        if (csv)
            csvOut.WriteHeader(names);
        var batch = new ColumnBatch(reader.Schema.Count);
        var values = new object?[order.Length];
        long written = 0;
        while (written < max && reader.ReadBatch(batch, (int)Math.Min(1024, max - written)))
        {
            terminal.Cancel.ThrowIfCancellationRequested();
            for (int r = 0; r < batch.RowCount && written < max; r++, written++)
            {
                if (csv)
                {
                    for (int j = 0; j < order.Length; j++)
                        values[j] = batch[order[j]].ValueAt(r);
                    csvOut.WriteRow(values);
                }
                else
                {
                    int row = r;
                    json.WriteLine(w =>
                    {
                        w.WriteStartObject();
                        for (int j = 0; j < order.Length; j++)
                        {
                            w.WritePropertyName(names[j]);
                            WriteCell(w, batch[order[j]], row);
                        }
                        w.WriteEndObject();
                    });
                }
            }
        }
    }

    private static void WriteCell(System.Text.Json.Utf8JsonWriter w, ColumnValues column, int row)
    {
        switch (column.KindAt(row))
        {
            case ValueKind.Json:
                w.WriteRawValue(column.BytesAt(row), skipInputValidation: false);
                break;
            case ValueKind.Text:
                w.WriteStringValue(Encoding.UTF8.GetString(column.BytesAt(row)));
                break;
            default:
                JsonOutput.WriteValue(w, column.ValueAt(row));
                break;
        }
    }
}
