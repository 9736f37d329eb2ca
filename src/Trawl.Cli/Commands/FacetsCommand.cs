using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Trawl.Cli.Output;
using Trawl.Store.Contracts;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl facets DATASET --column COL</c>: the most common values of a column.</summary>
internal static class FacetsCommand
{
    private const int BarWidth = 30;
    private const int ValueWidth = 50;

    public static Command Create(CliTerminal terminal)
    {
        var dataset = CommonOptions.Dataset();
        var column = new Option<string>("--column") { Description = "The column whose values to count.", Required = true, HelpName = "COL" };
        var table = CommonOptions.Table("the only table, else the first (the first with full-text search when --search is given)");
        var search = new Option<string?>("--search") { Description = "Count only rows matching this full-text search.", HelpName = "QUERY" };
        var where = new Option<string?>("--where") { Description = "Count only rows where this SQL expression is true, e.g. \"WIDTH >= 512\".", HelpName = "EXPR" };
        var limit = CommonOptions.PositiveInt("--limit", 30, "Show at most this many values, most common first.");
        var json = CommonOptions.Json("the values and counts");
        var array = new Option<bool>("--array") { Description = "Count the elements of list cells (JSON arrays or Python lists such as MusicCaps' aspect_list), not whole cells." };
        var date = new Option<bool>("--date") { Description = "Count the dates (YYYY-MM-DD) of date or date-time cells." };

        var command = new Command("facets", "Count the most common values of a column (for example which domains, licenses or NSFW tags), with a bar chart; narrow the rows with --search and --where.")
        {
            dataset, column, table, search, where, limit, array, date, json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(array) && result.GetValue(date))
                result.AddError("--array and --date cannot be combined; give one");
        });
        command.SetAction(parse =>
        {
            using IDatasetSource ds = DatasetOpeners.Open(parse.GetValue(dataset)!);
            string? searchText = parse.GetValue(search);
            TableInfo info = TableChoice.Resolve(ds, parse.GetValue(table), wantSearch: !string.IsNullOrEmpty(searchText));
            var tq = new TableQuery { Table = info.Name, Search = searchText, Where = parse.GetValue(where) };
            string col = parse.GetValue(column)!;
            var kind = parse.GetValue(array) ? FacetKind.Array : parse.GetValue(date) ? FacetKind.Date : FacetKind.Value;
            FacetResult facet = ds.Facet(tq, col, kind, parse.GetValue(limit));

            if (parse.GetValue(json))
            {
                new JsonOutput(terminal.Out).WriteDocument(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("table", info.Name);
                    w.WriteString("column", facet.Column);
                    w.WriteString("kind", kind.ToString().ToLowerInvariant());
                    w.WriteBoolean("truncated", facet.Truncated);
                    w.WriteStartArray("values");
                    foreach (FacetValue v in facet.Values)
                    {
                        w.WriteStartObject();
                        w.WritePropertyName("value");
                        JsonOutput.WriteValue(w, v.Value);
                        w.WriteNumber("count", v.Count);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                });
                return CliExitCode.Ok;
            }

            IAnsiConsole console = Screen.ForOut(terminal);
            long max = facet.Values.Count > 0 ? facet.Values.Max(v => v.Count) : 0;
            var chart = new Table().Border(TableBorder.Rounded)
                .AddColumn(new TableColumn(new Text(CellText.Sanitize(facet.Column))))
                .AddColumn(new TableColumn("count").RightAligned())
                .AddColumn(new TableColumn(""));
            foreach (FacetValue v in facet.Values)
            {
                chart.AddRow(
                    v.Value is null ? new Text("null", new Style(decoration: Decoration.Dim)) : new Text(CellText.Format(v.Value, ValueWidth)),
                    new Text(v.Count.ToString("N0", CultureInfo.InvariantCulture)),
                    new Text(TextBar.Bar(v.Count, max, BarWidth), new Style(Color.Aqua)));
            }
            console.Write(chart);
            string more = facet.Truncated ? "; more values exist (raise --limit)" : "";
            console.WriteLine($"{facet.Values.Count} value{(facet.Values.Count == 1 ? "" : "s")} of {CellText.Sanitize(facet.Column)} in {CellText.Sanitize(info.Name)}{more}");
            return CliExitCode.Ok;
        });
        return command;
    }
}
