using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Trawl.Cli.Input;
using Trawl.Cli.Output;
using Trawl.Store.Contracts;
using Trawl.Store;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl search DATASET QUERY</c>: full-text search over a table.</summary>
internal static class SearchCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var dataset = CommonOptions.Dataset();
        var query = new Argument<string>("QUERY")
        {
            Description = "Words to find (all must match; \"a quoted phrase\" stays a phrase). FTS syntax is escaped unless --raw.",
        };
        var table = CommonOptions.Table("the only table, else the first with full-text search");
        var limit = CommonOptions.PositiveInt("--limit", 20, "Show at most this many rows, best matches first.");
        var count = new Option<bool>("--count") { Description = "Print only how many rows match." };
        var raw = new Option<bool>("--raw") { Description = "Read QUERY as SQLite FTS5 syntax (AND, OR, NOT, NEAR, prefix*, column:term)." };
        var json = CommonOptions.Json("the matches (one document with count and rows)");
        var jsonl = new Option<bool>("--jsonl") { Description = "Print the matching rows as JSON Lines, one object per row." };
        var columns = new Option<string[]>("--columns") { Description = "Columns to show in the table, in order (comma-separated or repeated; default: rowid, the searched text, URLs, then what fits the screen).", HelpName = "A,B" };

        var command = new Command("search", "Full-text search over a table's search columns; prints the best matches.")
        {
            dataset, query, table, limit, count, raw, json, jsonl, columns,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(json) && parse.GetValue(jsonl))
                throw new UserErrorException("--json and --jsonl cannot be used together");
            using IDatasetSource ds = DatasetOpeners.Open(parse.GetValue(dataset)!);
            TableInfo info = TableChoice.Resolve(ds, parse.GetValue(table), wantSearch: true);
            if (info.SearchColumns.Count == 0)
                throw new UserErrorException($"table '{info.Name}' has no full-text search; ingest it with --search COLUMN");
            var tq = new TableQuery
            {
                Table = info.Name,
                Search = parse.GetValue(query),
                SearchMode = parse.GetValue(raw) ? SearchMode.Raw : SearchMode.Plain,
                Size = parse.GetValue(limit),
            };

            if (parse.GetValue(count))
            {
                WriteCount(terminal, info, tq, ds.CountRows(tq), parse.GetValue(json));
                return CliExitCode.Ok;
            }
            RowPage page = ds.QueryRows(tq, count: true);
            if (parse.GetValue(jsonl))
                WriteJsonLines(terminal, page);
            else if (parse.GetValue(json))
                WriteJson(terminal, info, tq, page);
            else
                WriteTable(terminal, info, page, ColumnList.Parse(parse.GetValue(columns)));
            return CliExitCode.Ok;
        });
        return command;
    }

    private static void WriteCount(CliTerminal terminal, TableInfo info, TableQuery tq, long count, bool json)
    {
        if (!json)
        {
            terminal.Out.WriteLine(count.ToString(CultureInfo.InvariantCulture));
            return;
        }
        new JsonOutput(terminal.Out).WriteDocument(w =>
        {
            w.WriteStartObject();
            w.WriteString("table", info.Name);
            w.WriteString("query", tq.Search);
            w.WriteNumber("count", count);
            w.WriteEndObject();
        });
    }

    private static void WriteJsonLines(CliTerminal terminal, RowPage page)
    {
        var output = new JsonOutput(terminal.Out);
        foreach (object?[] row in page.Rows)
            output.WriteLine(w => JsonOutput.WriteRowObject(w, page.Columns, row));
    }

    private static void WriteJson(CliTerminal terminal, TableInfo info, TableQuery tq, RowPage page) =>
        new JsonOutput(terminal.Out).WriteDocument(w =>
        {
            w.WriteStartObject();
            w.WriteString("table", info.Name);
            w.WriteString("query", tq.Search);
            if (page.Count is { } total) w.WriteNumber("count", total); else w.WriteNull("count");
            w.WriteStartArray("rows");
            foreach (object?[] row in page.Rows)
                JsonOutput.WriteRowObject(w, page.Columns, row);
            w.WriteEndArray();
            w.WriteEndObject();
        });

    private static void WriteTable(CliTerminal terminal, TableInfo info, RowPage page, IReadOnlyList<string> wanted)
    {
        IAnsiConsole console = Screen.ForOut(terminal);
        var shown = DisplayColumns.Choose(info, page.Columns, page.Rows, console.Profile.Width, wanted);
        console.Write(RowTable.Build(page.Columns, page.Rows, shown));
        var c = CultureInfo.InvariantCulture;
        string total = page.Count is { } n ? n.ToString("N0", c) : "?";
        int hidden = page.Columns.Count - shown.Count;
        string more = hidden > 0 ? $"; {hidden} more column(s) not shown (--columns or --json show them)" : "";
        console.WriteLine($"{page.Rows.Count} of {total} matching rows in {CellText.Sanitize(info.Name)} ({page.Elapsed.TotalMilliseconds.ToString("0", c)} ms){more}");
    }
}
