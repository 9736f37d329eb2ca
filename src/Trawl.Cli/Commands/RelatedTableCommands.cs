using System.CommandLine;
using System.Globalization;
using Trawl.Cli.Output;
using Trawl.Store.Related;

namespace Trawl.Cli.Commands;

/// <summary>The Datasette chores on a dataset's tables: <c>trawl extract</c>, <c>trawl view</c> and
/// <c>trawl count-names</c>. They parse options and print; the work is the Store's (<c>Store/Related</c>).</summary>
internal static class RelatedTableCommands
{
    private static Argument<string> Dataset() => new("DATASET") { Description = "The dataset folder (NAME.trawl)." };

    public static Command Extract(CliTerminal terminal)
    {
        var dataset = Dataset();
        var table = new Argument<string>("TABLE") { Description = "The table holding the column." };
        var column = new Argument<string>("COLUMN") { Description = "The column whose distinct values go into a lookup table." };
        var into = new Option<string?>("--table") { Description = "Name of the lookup table (default: the column's name).", HelpName = "NAME" };
        var replace = new Option<bool>("--replace") { Description = "Make the lookup table again if a table of that name made by Trawl exists." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("extract", "Like sqlite-utils extract: put a column's distinct values in a lookup table (id, value, count of rows holding it, most common first) and add COLUMN_id to the table as a foreign key to it, shown as links labelled with the value. The text column is kept.")
        {
            dataset, table, column, into, replace, json,
        };
        command.SetAction(parse =>
        {
            var r = TableExtract.Run(parse.GetValue(dataset)!, parse.GetValue(table)!, parse.GetValue(column)!, parse.GetValue(into), parse.GetValue(replace));
            if (parse.GetValue(json))
            {
                new JsonOutput(terminal.Out).WriteDocument(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("table", r.Table);
                    w.WriteString("column", r.Column);
                    w.WriteString("lookup_table", r.LookupTable);
                    w.WriteNumber("lookup_rows", r.LookupRows);
                    w.WriteString("key_column", r.KeyColumn);
                    w.WriteNumber("rows_linked", r.RowsLinked);
                    w.WriteEndObject();
                });
            }
            else
            {
                terminal.Out.WriteLine($"{r.Table}.{r.Column}: {r.LookupRows.ToString("N0", CultureInfo.InvariantCulture)} distinct values in table {r.LookupTable}; {r.Table}.{r.KeyColumn} → {r.LookupTable}.id on {r.RowsLinked.ToString("N0", CultureInfo.InvariantCulture)} rows");
            }
            return CliExitCode.Ok;
        });
        return command;
    }

    public static Command View(CliTerminal terminal)
    {
        var dataset = Dataset();
        var name = new Argument<string>("NAME") { Description = "The view's name." };
        var sql = new Argument<string>("SELECT") { Description = "One read-only SELECT (or WITH ... SELECT) statement; it must have a rowid column (e.g. SELECT m.rowid AS rowid, m.*, v.title FROM musiccaps m JOIN videos v ON v.ytid = m.ytid)." };
        var rowidOf = new Option<string?>("--rowid-of") { Description = "The table whose rowid the view's rowid column is: the view is then searched through that table's full-text index (it must include the search column).", HelpName = "TABLE" };
        var replace = new Option<bool>("--replace") { Description = "Replace a view or table of that name made by Trawl." };
        var command = new Command("view", "Create a view over the dataset's tables, validated as read-only SQL, listed and served like a table: pages, filters, facets and exports (and search with --rowid-of).")
        {
            dataset, name, sql, rowidOf, replace,
        };
        command.SetAction(parse =>
        {
            var info = DatasetViews.Create(parse.GetValue(dataset)!, parse.GetValue(name)!, parse.GetValue(sql)!, parse.GetValue(rowidOf), parse.GetValue(replace));
            terminal.Out.WriteLine($"view {info.Name}: {info.RowCount.ToString("N0", CultureInfo.InvariantCulture)} rows, columns {string.Join(", ", info.Columns.Select(c => c.Name))}"
                + (info.FtsTable is not null ? $"; searchable ({string.Join(", ", info.SearchColumns)})" : ""));
            return CliExitCode.Ok;
        });
        return command;
    }

    public static Command CountNames(CliTerminal terminal)
    {
        var dataset = Dataset();
        var names = new Argument<string>("NAMES") { Description = "A file of names (CSV, TSV, JSON Lines...), one per row." };
        var column = new Option<string>("--column") { Description = "The file's column holding the names (default: name).", HelpName = "COL", DefaultValueFactory = _ => "name" };
        var table = new Option<string>("--table") { Description = "The table to write (name, count, search), e.g. celebrities.", HelpName = "NAME", Required = true };
        var searched = new Option<string?>("--in") { Description = "The table whose full-text index is searched (default: the first table with one).", HelpName = "TABLE" };
        var replace = new Option<bool>("--replace") { Description = "Replace the table if Trawl made it before." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("count-names", "Count, for each name in a file, the rows whose full-text index matches it as a phrase (names like Dwayne 'The Rock' Johnson included), into a table with the most matched first; each row leads to its search.")
        {
            dataset, names, column, table, searched, replace, json,
        };
        command.SetAction(parse =>
        {
            var r = NameCounts.Run(parse.GetValue(dataset)!, parse.GetValue(names)!, parse.GetValue(column) ?? "name", parse.GetValue(table)!, parse.GetValue(searched), parse.GetValue(replace), terminal.Cancel);
            if (parse.GetValue(json))
            {
                new JsonOutput(terminal.Out).WriteDocument(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("table", r.Table);
                    w.WriteString("searched_table", r.SearchedTable);
                    w.WriteNumber("names", r.Names);
                    w.WriteNumber("names_found", r.NamesFound);
                    w.WriteEndObject();
                });
            }
            else
            {
                terminal.Out.WriteLine($"table {r.Table}: {r.Names.ToString("N0", CultureInfo.InvariantCulture)} names counted in {r.SearchedTable}, {r.NamesFound.ToString("N0", CultureInfo.InvariantCulture)} found");
            }
            return CliExitCode.Ok;
        });
        return command;
    }
}
