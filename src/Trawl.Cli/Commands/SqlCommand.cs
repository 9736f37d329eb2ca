using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Trawl.Cli.Input;
using Trawl.Cli.Output;
using Trawl.Store.Contracts;
using Trawl.Store;
using Trawl.Store.Datasets;
using Trawl.Store.Sql;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl sql DATASET "SELECT ..."</c>: read-only SQL with a time limit.</summary>
internal static class SqlCommand
{
    private const int CellWidth = 60;

    public static Command Create(CliTerminal terminal)
    {
        var dataset = CommonOptions.Dataset();
        var sql = new Argument<string>("SQL")
        {
            Description = "One read-only SQL statement (SQLite dialect). Writes, ATTACH and state-changing PRAGMAs are refused.",
        };
        var timeLimit = new Option<string>("--time-limit")
        {
            Description = "Stop the query after this long (e.g. 500ms, 5s, 2m).",
            DefaultValueFactory = _ => "5s",
            HelpName = "DURATION",
        };
        var maxRows = CommonOptions.PositiveInt("--max-rows", 1000, "Return at most this many rows (the output says when there were more).");
        var json = CommonOptions.Json("the result (columns, rows as arrays, truncated)");
        var csv = new Option<bool>("--csv") { Description = "Print the result as CSV with a header row." };

        var command = new Command("sql", "Run read-only SQL over a dataset's SQLite database and print the result.")
        {
            dataset, sql, timeLimit, maxRows, json, csv,
        };
        command.SetAction(parse =>
        {
            bool asJson = parse.GetValue(json), asCsv = parse.GetValue(csv);
            if (asJson && asCsv)
                throw new UserErrorException("--json and --csv cannot be used together");
            var options = new SqlOptions
            {
                TimeLimit = DurationText.Parse(parse.GetValue(timeLimit)!, "--time-limit"),
                MaxRows = parse.GetValue(maxRows),
            };
            using IDatasetSource ds = DatasetOpeners.Open(parse.GetValue(dataset)!);
            SqlResult result = ds.ExecuteSql(parse.GetValue(sql)!, options);

            if (asJson)
            {
                new JsonOutput(terminal.Out).WriteDocument(w =>
                {
                    w.WriteStartObject();
                    JsonOutput.WriteStrings(w, "columns", result.Columns);
                    w.WriteStartArray("rows");
                    foreach (object?[] row in result.Rows)
                        JsonOutput.WriteRowArray(w, row);
                    w.WriteEndArray();
                    w.WriteBoolean("truncated", result.Truncated);
                    w.WriteNumber("elapsed_ms", Math.Round(result.Elapsed.TotalMilliseconds, 1));
                    w.WriteEndObject();
                });
            }
            else if (asCsv)
            {
                var output = new CsvOutput(terminal.Out);
                output.WriteHeader(result.Columns);
                foreach (object?[] row in result.Rows)
                    output.WriteRow(row);
                if (result.Truncated)
                    terminal.Err.WriteLine($"trawl: only the first {result.Rows.Count} rows were printed; raise --max-rows for more");
            }
            else
            {
                IAnsiConsole console = Screen.ForOut(terminal);
                console.Write(RowTable.Build(result.Columns, result.Rows, CellWidth));
                string more = result.Truncated ? $" (truncated at --max-rows {options.MaxRows})" : "";
                console.WriteLine($"{result.Rows.Count} row(s){more} in {result.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms");
            }
            return CliExitCode.Ok;
        });
        return command;
    }
}
